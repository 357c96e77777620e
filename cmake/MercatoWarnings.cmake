# Compiler settings every Mercato target gets through mercato_target_defaults().
include_guard(GLOBAL)

function(mercato_target_defaults target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
    if(MERCATO_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(MERCATO_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()
