# CMake helpers for writing Mercato plugins. Installed with the SDK and included by
# MercatoSDKConfig.cmake, so out-of-tree plugins use exactly what the in-tree ones use.
#
#   mercato_add_plugin(<name> SOURCES <files...> [LINK <targets...>]
#                      [MIGRATIONS <dir> MIGRATIONS_FUNCTION <cxx-function-name>])
#       Builds <name>.so, the module the host loads for `plugins.load = <name>`.
#
#   mercato_embed_migrations(<target> DIR <dir> FUNCTION <cxx-function-name>)
#       Compiles every <dir>/{mysql,sqlite}/V<NNN>__<name>.sql into <target> as a function
#       `const mercato::sdk::MigrationSet& <cxx-function-name>()` (declare it in your code).
include_guard(GLOBAL)

set(_MERCATO_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(mercato_embed_migrations target)
    cmake_parse_arguments(ARG "" "DIR;FUNCTION" "" ${ARGN})
    if(NOT ARG_DIR OR NOT ARG_FUNCTION)
        message(FATAL_ERROR "mercato_embed_migrations(${target}): DIR and FUNCTION are required")
    endif()
    get_filename_component(dir "${ARG_DIR}" ABSOLUTE)
    file(GLOB files CONFIGURE_DEPENDS "${dir}/mysql/*.sql" "${dir}/sqlite/*.sql")
    list(SORT files)
    if(NOT files)
        message(FATAL_ERROR "mercato_embed_migrations(${target}): no ${dir}/{mysql,sqlite}/*.sql files")
    endif()
    set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_${ARG_FUNCTION}.cpp")
    add_custom_command(
        OUTPUT "${out}"
        COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${out}" "-DFUNCTION=${ARG_FUNCTION}" "-DFILES=${files}"
                -P "${_MERCATO_PLUGIN_CMAKE_DIR}/MercatoEmbedMigrations.cmake"
        DEPENDS ${files} "${_MERCATO_PLUGIN_CMAKE_DIR}/MercatoEmbedMigrations.cmake"
        COMMENT "Embedding SQL migrations of ${target}"
        VERBATIM)
    target_sources(${target} PRIVATE "${out}")
endfunction()

function(mercato_add_plugin name)
    cmake_parse_arguments(ARG "" "MIGRATIONS;MIGRATIONS_FUNCTION;OUTPUT_DIRECTORY" "SOURCES;LINK" ${ARGN})
    add_library(${name} MODULE ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE MercatoSDK::sdk ${ARG_LINK})
    # Plugins export only the MERCATO_PLUGIN entry points; every symbol is resolved at load time
    # (-z now) and none may be left for the host to provide (--no-undefined).
    set_target_properties(${name} PROPERTIES
        PREFIX ""
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
    target_link_options(${name} PRIVATE -Wl,-z,now -Wl,--no-undefined)
    if(ARG_OUTPUT_DIRECTORY)
        set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
    elseif(DEFINED MERCATO_PLUGIN_OUTPUT_DIR)
        set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${MERCATO_PLUGIN_OUTPUT_DIR}")
    endif()
    if(COMMAND mercato_target_defaults)
        mercato_target_defaults(${name})
    else()
        target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic)
    endif()
    if(ARG_MIGRATIONS)
        if(NOT ARG_MIGRATIONS_FUNCTION)
            message(FATAL_ERROR "mercato_add_plugin(${name}): MIGRATIONS needs MIGRATIONS_FUNCTION")
        endif()
        mercato_embed_migrations(${name} DIR "${ARG_MIGRATIONS}" FUNCTION "${ARG_MIGRATIONS_FUNCTION}")
    endif()
    if(DEFINED MERCATO_PLUGIN_INSTALL_DIR)
        # Installed plugins live in <prefix>/lib/mercato/plugins; the SDK library is two levels up.
        set_target_properties(${name} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
        install(TARGETS ${name} LIBRARY DESTINATION "${MERCATO_PLUGIN_INSTALL_DIR}")
    endif()
endfunction()
