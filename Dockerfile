# One image for both services; the config file chooses the shape (etc/ecommerce.properties or
# etc/delivery.properties). Debian 12 packages only, as on the development machines.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        g++ cmake ninja-build pkg-config ca-certificates \
        libpoco-dev libcppunit-dev libmariadb-dev libcrypt-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMERCATO_BUILD_TESTS=OFF -DMERCATO_BUILD_BENCH=OFF \
    && cmake --build /build -j"$(nproc)" \
    && cmake --install /build --prefix /opt/mercato

FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates curl libmariadb3 libcrypt1 \
        libpocofoundation80 libpocoutil80 libpoconet80 libpoconetssl80 libpocojson80 libpocojwt80 \
        libpococrypto80 libpocodata80 libpocodatamysql80 libpocodatasqlite80 libpocoredis80 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/mercato /opt/mercato
COPY etc /opt/mercato/etc
WORKDIR /opt/mercato
USER nobody
ENTRYPOINT ["/opt/mercato/bin/mercato"]
