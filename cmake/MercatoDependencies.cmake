# Finds the third-party libraries Mercato builds on: POCO 1.11 and, for its Data/MySQL connector,
# the MariaDB client. Shared by the source tree and by the installed MercatoSDK package.
include_guard(GLOBAL)
include(CMakeFindDependencyMacro)

# Debian's PocoDataMySQLTargets.cmake links against a `MySQL::client` target that no package defines
# (see shared/POCO-NOTES.md). Define it from libmariadb's pkg-config file before asking for Poco.
if(NOT TARGET MySQL::client)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(MERCATO_MARIADB REQUIRED IMPORTED_TARGET GLOBAL libmariadb)
    add_library(MySQL::client INTERFACE IMPORTED GLOBAL)
    set_target_properties(MySQL::client PROPERTIES INTERFACE_LINK_LIBRARIES PkgConfig::MERCATO_MARIADB)
endif()

set(_mercato_poco_components Foundation Util Net NetSSL JSON JWT Crypto Data DataMySQL DataSQLite Redis)
if(CMAKE_FIND_PACKAGE_NAME)
    # Inside MercatoSDKConfig.cmake: report a missing POCO as a missing dependency of the package.
    find_dependency(Poco 1.11 COMPONENTS ${_mercato_poco_components})
else()
    find_package(Poco 1.11 REQUIRED COMPONENTS ${_mercato_poco_components})
endif()
