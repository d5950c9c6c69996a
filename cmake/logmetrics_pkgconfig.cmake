# SPDX-License-Identifier: MIT
#
# logmetrics_install_pkgconfig(DESTINATION <dir> TEMPLATES <file.pc.in>...)
#
# Configures each template (@ONLY) into the build directory and installs it into <dir>. The
# templates may use, besides the project's variables:
#   @LOGMETRICS_PC_PREFIX@      ${pcfiledir}/.. up to the install prefix when <dir> is relative
#                               (relocatable), else the absolute CMAKE_INSTALL_PREFIX
#   @LOGMETRICS_PC_INCLUDEDIR@  ${prefix}/<CMAKE_INSTALL_INCLUDEDIR>, or that directory when absolute
#
# Computing the prefix from the file's own location, rather than writing CMAKE_INSTALL_PREFIX at
# configure time, keeps `cmake --install --prefix <other>` and moved install trees correct.

include_guard(GLOBAL)

function(logmetrics_install_pkgconfig)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "DESTINATION" "TEMPLATES")
    if(NOT arg_DESTINATION OR NOT arg_TEMPLATES)
        message(FATAL_ERROR "logmetrics_install_pkgconfig: DESTINATION and TEMPLATES are required")
    endif()

    if(IS_ABSOLUTE "${arg_DESTINATION}")
        set(LOGMETRICS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
    else()
        # One ".." per path component of the destination: share/pkgconfig -> ../..
        cmake_path(SET destination NORMALIZE "${arg_DESTINATION}")
        string(REGEX REPLACE "/+$" "" destination "${destination}")
        string(REGEX REPLACE "[^/]+" ".." up "${destination}")
        set(LOGMETRICS_PC_PREFIX "\${pcfiledir}/${up}")
    endif()

    if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
        set(LOGMETRICS_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
    else()
        set(LOGMETRICS_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
    endif()

    set(outputs "")
    foreach(template IN LISTS arg_TEMPLATES)
        get_filename_component(name "${template}" NAME)
        string(REGEX REPLACE "\\.in$" "" name "${name}")
        configure_file("${template}" "${PROJECT_BINARY_DIR}/pkgconfig/${name}" @ONLY)
        list(APPEND outputs "${PROJECT_BINARY_DIR}/pkgconfig/${name}")
    endforeach()
    install(FILES ${outputs} DESTINATION "${arg_DESTINATION}")
endfunction()
