# Compiler settings every Mercato target gets through mercato_target_defaults().
include_guard(GLOBAL)

if(MERCATO_SANITIZE AND MERCATO_FUZZ)
    message(FATAL_ERROR "MERCATO_SANITIZE and MERCATO_FUZZ are separate builds (build-asan, build-fuzz)")
endif()
if(MERCATO_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MERCATO_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14")
endif()

function(mercato_target_defaults target)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
    else()
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor)
    endif()
    if(MERCATO_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(MERCATO_SANITIZE)
        # UBSan stops the process at the first report (as ASan does), so a report cannot scroll by
        # in a passing test. GCC's manual warns that sanitizers raise false -Wmaybe-uninitialized
        # reports (GCC 12 flags std::regex's own code under ASan); the normal build keeps the warning.
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all
            -fno-omit-frame-pointer)
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
        endif()
        target_link_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all)
    endif()
    if(MERCATO_FUZZ)
        # The code under test gets libFuzzer's coverage instrumentation; fuzz/ links the driver.
        target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
            -fno-sanitize-recover=all -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
        # clang links the sanitizer and coverage runtimes into the executable only: a shared
        # library (libmercato-sdk links with --no-undefined) leaves those symbols to it.
        get_target_property(type ${target} TYPE)
        if(type STREQUAL "SHARED_LIBRARY" OR type STREQUAL "MODULE_LIBRARY")
            target_link_options(${target} PRIVATE -Wl,-z,undefs)
        endif()
    endif()
endfunction()
