# SPDX-License-Identifier: MIT
#
# Helpers for the consumer and recipe test scripts (run with `cmake -P` by ctest, see
# CMakeLists.txt here). Every nested configure uses the outer build's generator, compiler, flags
# and build type, which CMakeLists.txt passes as -D variables:
#   GENERATOR, GENERATOR_PLATFORM, GENERATOR_TOOLSET, MAKE_PROGRAM, CXX_COMPILER, CXX_FLAGS,
#   CONFIG, TOOLCHAIN_FILE, PREFIX_PATH (the outer CMAKE_PREFIX_PATH), WERROR
# Lists arrive with '|' for ';' (ctest would split them otherwise).

include_guard(GLOBAL)

foreach(_var IN ITEMS PREFIX_PATH OPTIONS CONSUMER_ARGS FEATURES EXPECT_OUTPUT)
    if(DEFINED ${_var})
        string(REPLACE "|" ";" ${_var} "${${_var}}")
    endif()
endforeach()

# The outer CMAKE_PREFIX_PATH (where the dependencies may be) reaches every nested configure
# through the environment, which keeps -D arguments free of lists.
if(PREFIX_PATH)
    if(CMAKE_HOST_WIN32)
        list(JOIN PREFIX_PATH ";" _joined)
        set(_separator ";")
    else()
        list(JOIN PREFIX_PATH ":" _joined)
        set(_separator ":")
    endif()
    if(NOT "$ENV{CMAKE_PREFIX_PATH}" STREQUAL "")
        string(APPEND _joined "${_separator}$ENV{CMAKE_PREFIX_PATH}")
    endif()
    set(ENV{CMAKE_PREFIX_PATH} "${_joined}")
endif()

# lm_run(<what> COMMAND <args>... [OUTPUT_VARIABLE <var>] [RESULT_VARIABLE <var>])
# Runs a command, echoing it. Without RESULT_VARIABLE a non-zero exit stops the script with the
# command's output; with it, the caller decides.
function(lm_run what)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_VARIABLE;RESULT_VARIABLE;WORKING_DIRECTORY" "COMMAND")
    list(JOIN arg_COMMAND " " shown)
    message(STATUS "${what}: ${shown}")
    set(extra "")
    if(arg_WORKING_DIRECTORY)
        set(extra WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
    endif()
    execute_process(COMMAND ${arg_COMMAND} ${extra}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(arg_OUTPUT_VARIABLE)
        set(${arg_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
    endif()
    if(arg_RESULT_VARIABLE)
        set(${arg_RESULT_VARIABLE} "${rc}" PARENT_SCOPE)
    elseif(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (exit ${rc}):\n${out}")
    endif()
endfunction()

# lm_configure_args(<out-var>): the generator/compiler/configuration part of a configure line.
function(lm_configure_args out)
    set(args -G "${GENERATOR}")
    if(GENERATOR_PLATFORM)
        list(APPEND args -A "${GENERATOR_PLATFORM}")
    endif()
    if(GENERATOR_TOOLSET)
        list(APPEND args -T "${GENERATOR_TOOLSET}")
    endif()
    if(MAKE_PROGRAM)
        list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
    endif()
    if(TOOLCHAIN_FILE)
        list(APPEND args "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN_FILE}")
    endif()
    list(APPEND args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
    if(CONFIG)
        list(APPEND args "-DCMAKE_BUILD_TYPE=${CONFIG}")
    endif()
    set(${out} "${args}" PARENT_SCOPE)
endfunction()

# lm_build_args(<out-var>): `--config` for multi-config generators (harmless for the others).
function(lm_build_args out)
    set(args "")
    if(CONFIG)
        list(APPEND args --config "${CONFIG}")
    endif()
    set(${out} "${args}" PARENT_SCOPE)
endfunction()

# lm_install_logmetrics(SOURCE_DIR <dir> BUILD_DIR <dir> PREFIX <dir> [INSTALL_TIME_PREFIX]
#                       [EXACT_OPTIONS] [OPTIONS <-D...>...])
# Configures, builds and installs logmetrics from a fresh build directory into a fresh prefix,
# with its tests, examples, tools and benchmarks off. INSTALL_TIME_PREFIX gives the prefix only
# to `cmake --install --prefix` (configured with another one), which proves nothing configure
# time wrote depends on the prefix. EXACT_OPTIONS passes OPTIONS alone (a recipe's options): the
# tests, examples, tools and benchmarks must then be off because OPTIONS say so.
function(lm_install_logmetrics)
    cmake_parse_arguments(PARSE_ARGV 0 arg "INSTALL_TIME_PREFIX;EXACT_OPTIONS" "SOURCE_DIR;BUILD_DIR;PREFIX"
        "OPTIONS")
    file(REMOVE_RECURSE "${arg_BUILD_DIR}" "${arg_PREFIX}")
    lm_configure_args(configure)
    if(arg_INSTALL_TIME_PREFIX)
        set(configure_prefix "${arg_BUILD_DIR}/not-the-install-prefix")
        set(install_prefix --prefix "${arg_PREFIX}")
    else()
        set(configure_prefix "${arg_PREFIX}")
        set(install_prefix "")
    endif()
    set(defaults -DLOGMETRICS_BUILD_TESTS=OFF -DLOGMETRICS_BUILD_EXAMPLES=OFF
        -DLOGMETRICS_BUILD_TOOLS=OFF -DLOGMETRICS_BUILD_BENCH=OFF)
    if(arg_EXACT_OPTIONS)
        set(defaults "")
    endif()
    lm_run("configure logmetrics" COMMAND "${CMAKE_COMMAND}" -S "${arg_SOURCE_DIR}" -B "${arg_BUILD_DIR}"
        ${configure} "-DCMAKE_INSTALL_PREFIX=${configure_prefix}" ${defaults} ${arg_OPTIONS})
    # Checked before building: a package build must not compile (or need the dependencies of) the
    # tests, examples, tools or benchmarks.
    foreach(option IN ITEMS LOGMETRICS_BUILD_TESTS LOGMETRICS_BUILD_EXAMPLES LOGMETRICS_BUILD_TOOLS
                            LOGMETRICS_BUILD_BENCH)
        file(STRINGS "${arg_BUILD_DIR}/CMakeCache.txt" line REGEX "^${option}:BOOL=")
        if(NOT line MATCHES "=(OFF|FALSE|NO|0)$")
            message(FATAL_ERROR "installing with options [${arg_OPTIONS}] leaves ${option} on (${line})")
        endif()
    endforeach()
    lm_build_args(build)
    lm_run("build logmetrics" COMMAND "${CMAKE_COMMAND}" --build "${arg_BUILD_DIR}" ${build})
    lm_run("install logmetrics" COMMAND "${CMAKE_COMMAND}" --install "${arg_BUILD_DIR}" ${build} ${install_prefix})
    if(NOT EXISTS "${arg_PREFIX}/include/logmetrics/logmetrics.hpp")
        message(FATAL_ERROR "the install into ${arg_PREFIX} has no include/logmetrics/logmetrics.hpp")
    endif()
endfunction()

# lm_build_project(SOURCE_DIR <dir> BUILD_DIR <dir> [ARGS <-D...>...]
#                  [EXPECT_CONFIGURE_ERROR <regex>] [RUN <program> [EXPECT_OUTPUT <regex>...]])
# Configures and builds a CMake project from a fresh build directory, then runs RUN (a path
# relative to BUILD_DIR/bin, see consumer_common.cmake). With EXPECT_CONFIGURE_ERROR, the
# configure step must fail with output matching <regex> (whitespace is collapsed first, since
# CMake wraps its messages) and nothing is built.
function(lm_build_project)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_DIR;BUILD_DIR;EXPECT_CONFIGURE_ERROR;RUN"
        "ARGS;EXPECT_OUTPUT")
    file(REMOVE_RECURSE "${arg_BUILD_DIR}")
    lm_configure_args(configure)
    set(werror OFF)
    if(WERROR)
        set(werror ON)
    endif()
    set(command "${CMAKE_COMMAND}" -S "${arg_SOURCE_DIR}" -B "${arg_BUILD_DIR}" ${configure}
        "-DCONSUMER_WERROR=${werror}" ${arg_ARGS})

    if(DEFINED arg_EXPECT_CONFIGURE_ERROR)
        lm_run("configure (expected to fail)" COMMAND ${command} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
        string(REGEX REPLACE "[ \t\r\n]+" " " flat "${out}")
        if(rc EQUAL 0)
            message(FATAL_ERROR "configuring ${arg_SOURCE_DIR} succeeded; it should have failed:\n${out}")
        endif()
        if(NOT flat MATCHES "${arg_EXPECT_CONFIGURE_ERROR}")
            message(FATAL_ERROR "configuring failed, but without the expected message "
                "(regex: ${arg_EXPECT_CONFIGURE_ERROR}):\n${out}")
        endif()
        message(STATUS "configure failed as expected:\n${out}")
        return()
    endif()

    lm_run("configure" COMMAND ${command})
    lm_build_args(build)
    lm_run("build" COMMAND "${CMAKE_COMMAND}" --build "${arg_BUILD_DIR}" ${build})
    if(arg_RUN)
        lm_run_program("${arg_BUILD_DIR}/bin/${arg_RUN}" EXPECT_OUTPUT ${arg_EXPECT_OUTPUT})
    endif()
endfunction()

# lm_run_program(<path without .exe> [EXPECT_OUTPUT <regex>...]): runs it; it must exit 0 and
# print lines matching every regex.
function(lm_run_program program)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "EXPECT_OUTPUT")
    if(NOT EXISTS "${program}" AND EXISTS "${program}.exe")
        set(program "${program}.exe")
    endif()
    lm_run("run" COMMAND "${program}" OUTPUT_VARIABLE out)
    message(STATUS "output:\n${out}")
    foreach(regex IN LISTS arg_EXPECT_OUTPUT)
        if(NOT out MATCHES "${regex}")
            message(FATAL_ERROR "${program}: the output does not match '${regex}'")
        endif()
    endforeach()
endfunction()

# lm_read_version(<source dir> <out-var>): the version from include/logmetrics/version.hpp.
function(lm_read_version source_dir out)
    include("${source_dir}/cmake/logmetrics_utils.cmake")
    logmetrics_extract_version("${source_dir}/include/logmetrics/version.hpp")
    set(${out} "${LOGMETRICS_VERSION}" PARENT_SCOPE)
endfunction()
