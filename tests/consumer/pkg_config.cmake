# SPDX-License-Identifier: MIT
#
# The pkg-config consumer: copies the test install (PREFIX) elsewhere (the .pc files must follow:
# their prefix is ${pcfiledir}-relative), then compiles consumer.cpp with nothing but the
# compiler and the flags `pkg-config --cflags --libs` gives, once per module, and runs it.
#   PKG_CONFIG   the pkg-config program        VERSION     the version the modules must report
#   HYPERSCAN    ON: also logmetrics-hyperscan BUILD_DIR   scratch directory
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

file(REMOVE_RECURSE "${BUILD_DIR}")
set(moved "${BUILD_DIR}/moved-prefix")
file(COPY "${PREFIX}/" DESTINATION "${moved}")

# The install's own directory first, then whatever the caller had (for dependencies elsewhere).
set(pc_path "${moved}/share/pkgconfig")
if(DEFINED ENV{PKG_CONFIG_PATH} AND NOT "$ENV{PKG_CONFIG_PATH}" STREQUAL "")
    string(APPEND pc_path ":$ENV{PKG_CONFIG_PATH}")
endif()
set(ENV{PKG_CONFIG_PATH} "${pc_path}")

set(modules logmetrics)
set(expect_engines "pcre2, end")
if(HYPERSCAN)
    list(APPEND modules logmetrics-hyperscan)
    list(APPEND expect_engines "pcre2 hyperscan, end")
endif()

separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
set(warnings -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast)
if(WERROR)
    list(APPEND warnings -Werror)
endif()

foreach(module expect IN ZIP_LISTS modules expect_engines)
    lm_run("pkg-config ${module}" COMMAND "${PKG_CONFIG}" --print-errors --modversion ${module}
        OUTPUT_VARIABLE version)
    string(STRIP "${version}" version)
    if(NOT version STREQUAL VERSION)
        message(FATAL_ERROR "pkg-config --modversion ${module} says '${version}', expected ${VERSION}")
    endif()
    lm_run("pkg-config --cflags ${module}" COMMAND "${PKG_CONFIG}" --cflags ${module} OUTPUT_VARIABLE cflags)
    lm_run("pkg-config --libs ${module}" COMMAND "${PKG_CONFIG}" --libs ${module} OUTPUT_VARIABLE libs)
    string(FIND "${cflags}" "-I${moved}/" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "pkg-config --cflags ${module} does not point into the moved prefix: ${cflags}")
    endif()
    separate_arguments(cflags UNIX_COMMAND "${cflags}")
    separate_arguments(libs UNIX_COMMAND "${libs}")

    set(program "${BUILD_DIR}/consumer-${module}")
    lm_run("compile" COMMAND "${CXX_COMPILER}" ${cxx_flags} -std=c++20 ${warnings} ${cflags}
        "${CMAKE_CURRENT_LIST_DIR}/consumer.cpp" -o "${program}" ${libs})
    lm_run_program("${program}" EXPECT_OUTPUT "engines: ${expect}")
endforeach()
