# SPDX-License-Identifier: MIT
#
# What can be checked of ports/logmetrics without vcpkg: the port's CMake options and the layout
# it expects. Reads portfile.cmake (so a change there is picked up), then
#  1. installs logmetrics with exactly the options vcpkg_cmake_configure would pass for the
#     enabled FEATURES ('|'-separated; vcpkg_check_features mapping read from the portfile), plus
#     the ones vcpkg adds itself;
#  2. checks what the portfile's fix-up calls expect: the CONFIG_PATH of vcpkg_cmake_config_fixup
#     holds <PACKAGE_NAME>Config.cmake, the .pc files are where vcpkg_fixup_pkgconfig looks, the
#     LICENSE for vcpkg_install_copyright and the usage file exist, the targets usage names exist;
#  3. moves the tree elsewhere (as vcpkg does from packages/ to installed/), and builds and
#     runs test_package/ against it with find_package.
# Inputs: SOURCE_DIR, WORK_DIR, FEATURES, plus the build settings common.cmake lists.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

set(port_dir "${SOURCE_DIR}/ports/logmetrics")
file(READ "${port_dir}/portfile.cmake" portfile)
# Drop comments, so that commented-out calls and text do not count.
string(REGEX REPLACE "#[^\n]*" "" portfile "${portfile}")

# Arguments of the first call to <function>, as a list of tokens.
function(call_arguments function out)
    if(NOT portfile MATCHES "${function}[ \t\r\n]*\\(([^)]*)\\)")
        message(FATAL_ERROR "portfile.cmake does not call ${function}()")
    endif()
    separate_arguments(tokens UNIX_COMMAND "${CMAKE_MATCH_1}")
    set(${out} "${tokens}" PARENT_SCOPE)
endfunction()

# The value following <keyword> in a token list.
function(keyword_value tokens keyword out)
    list(FIND tokens "${keyword}" at)
    if(at EQUAL -1)
        set(${out} "" PARENT_SCOPE)
        return()
    endif()
    math(EXPR at "${at} + 1")
    list(GET tokens ${at} value)
    set(${out} "${value}" PARENT_SCOPE)
endfunction()

# 1. The options. vcpkg_check_features: FEATURES <feature> <var>... gives -D<var>=ON when the
#    feature is on, OFF when off; INVERTED_FEATURES the opposite.
call_arguments(vcpkg_check_features features_call)
set(feature_options "")
set(mode "")
set(pending "")
foreach(token IN LISTS features_call)
    if(token MATCHES "^(OUT_FEATURE_OPTIONS|PREFIX)$")
        set(mode skip-one)
    elseif(token MATCHES "^(FEATURES|INVERTED_FEATURES)$")
        set(mode "${token}")
        set(pending "")
    elseif(mode STREQUAL "skip-one")
        set(mode "")
    elseif(mode MATCHES "FEATURES")
        if(pending STREQUAL "")
            set(pending "${token}")
        else()
            set(on OFF)
            if(pending IN_LIST FEATURES)
                set(on ON)
            endif()
            if(mode STREQUAL "INVERTED_FEATURES")
                if(on)
                    set(on OFF)
                else()
                    set(on ON)
                endif()
            endif()
            list(APPEND feature_options "-D${token}=${on}")
            set(pending "")
        endif()
    endif()
endforeach()
if(NOT feature_options)
    message(FATAL_ERROR "could not read the feature mapping of vcpkg_check_features()")
endif()

call_arguments(vcpkg_cmake_configure configure_call)
set(options "")
set(in_options OFF)
foreach(token IN LISTS configure_call)
    if(token MATCHES "^(OPTIONS|OPTIONS_RELEASE)$")  # VCPKG_BUILD_TYPE release: both apply
        set(in_options ON)
    elseif(token MATCHES "^[A-Z_]+$")
        set(in_options OFF)
    elseif(in_options)
        if(token STREQUAL "\${FEATURE_OPTIONS}")
            list(APPEND options ${feature_options})
        elseif(token MATCHES "^-D")
            list(APPEND options "${token}")
        else()
            message(FATAL_ERROR "recipe_vcpkg.cmake does not know how to pass '${token}' from the portfile")
        endif()
    endif()
endforeach()

# What vcpkg_cmake_configure adds on its own (the ones that matter to an install layout).
set(vcpkg_own
    -DCMAKE_INSTALL_LIBDIR:STRING=lib
    -DCMAKE_INSTALL_BINDIR:STRING=bin
    -DCMAKE_ERROR_ON_ABSOLUTE_INSTALL_DESTINATION=ON
    -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
    -DFETCHCONTENT_FULLY_DISCONNECTED=ON)
message(STATUS "features [${FEATURES}] -> options: ${options}")

set(CONFIG Release)  # the port sets VCPKG_BUILD_TYPE release
set(packages "${WORK_DIR}/packages")
lm_install_logmetrics(SOURCE_DIR "${SOURCE_DIR}" BUILD_DIR "${WORK_DIR}/build" PREFIX "${packages}"
    EXACT_OPTIONS OPTIONS ${options} ${vcpkg_own})

# 2. The layout the port's calls expect.
call_arguments(vcpkg_cmake_config_fixup fixup_call)
keyword_value("${fixup_call}" PACKAGE_NAME package_name)
keyword_value("${fixup_call}" CONFIG_PATH config_path)
if(NOT package_name OR NOT config_path)
    message(FATAL_ERROR "vcpkg_cmake_config_fixup() should name PACKAGE_NAME and CONFIG_PATH")
endif()
if(NOT EXISTS "${packages}/${config_path}/${package_name}Config.cmake"
   OR NOT EXISTS "${packages}/${config_path}/${package_name}ConfigVersion.cmake")
    message(FATAL_ERROR "no ${package_name}Config.cmake/ConfigVersion.cmake in ${config_path}, "
        "where vcpkg_cmake_config_fixup(CONFIG_PATH) looks")
endif()

set(expected_pc logmetrics.pc)
if("-DLOGMETRICS_WITH_HYPERSCAN=ON" IN_LIST options)
    list(APPEND expected_pc logmetrics-hyperscan.pc)
endif()
if(portfile MATCHES "vcpkg_fixup_pkgconfig")
    # vcpkg puts <installed>/lib/pkgconfig and <installed>/share/pkgconfig on PKG_CONFIG_PATH.
    file(GLOB_RECURSE pc_files RELATIVE "${packages}" "${packages}/*.pc")
    set(pc_names "")
    foreach(pc IN LISTS pc_files)
        if(NOT pc MATCHES "^(lib|share)/pkgconfig/[^/]+\\.pc$")
            message(FATAL_ERROR "${pc} is outside lib/pkgconfig and share/pkgconfig")
        endif()
        get_filename_component(name "${pc}" NAME)
        list(APPEND pc_names "${name}")
    endforeach()
    list(SORT pc_names)
    list(SORT expected_pc)
    if(NOT pc_names STREQUAL expected_pc)
        message(FATAL_ERROR "pkg-config files: ${pc_names}; expected ${expected_pc}")
    endif()
endif()

if(portfile MATCHES "vcpkg_install_copyright[ \t\r\n]*\\([^)]*SOURCE_PATH}/([A-Za-z0-9_.-]+)")
    if(NOT EXISTS "${SOURCE_DIR}/${CMAKE_MATCH_1}")
        message(FATAL_ERROR "vcpkg_install_copyright names ${CMAKE_MATCH_1}, which does not exist")
    endif()
else()
    message(FATAL_ERROR "portfile.cmake does not install a license with vcpkg_install_copyright")
endif()

if(NOT EXISTS "${port_dir}/usage" OR NOT portfile MATCHES "/usage\"")
    message(FATAL_ERROR "the port should have a usage file and install it")
endif()

# vcpkg_cmake_config_fixup moves CONFIG_PATH to share/<PACKAGE_NAME> and then rewrites the
# relative paths in the moved files; this test does not reproduce that rewrite, so the port
# installs the files in their final place.
if(NOT config_path STREQUAL "share/${package_name}")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup(CONFIG_PATH ${config_path}): the port should install the "
        "CMake files in share/${package_name} (-DLOGMETRICS_INSTALL_CMAKEDIR=share/${package_name}), "
        "where vcpkg wants them, so that nothing moves")
endif()

# 3. The tree moved to another directory (vcpkg copies packages/ into installed/), to prove
#    nothing points back into the first one.
set(installed "${WORK_DIR}/installed")
file(REMOVE_RECURSE "${installed}")
file(RENAME "${packages}" "${installed}")

file(READ "${port_dir}/usage" usage)
string(REGEX MATCHALL "logmetrics::[A-Za-z0-9_]+" usage_targets "${usage}")
list(REMOVE_DUPLICATES usage_targets)
file(GLOB targets_files "${installed}/share/${package_name}/*Targets.cmake")
set(defined "")
foreach(targets_file IN LISTS targets_files)
    file(STRINGS "${targets_file}" lines REGEX "add_library\\(logmetrics::")
    string(APPEND defined "${lines}")
endforeach()
foreach(target IN LISTS usage_targets)
    string(FIND "${defined}" "add_library(${target} " at)
    if(at EQUAL -1 AND NOT (target STREQUAL "logmetrics::hyperscan" AND NOT "hyperscan" IN_LIST FEATURES)
       AND NOT (target STREQUAL "logmetrics::http" AND NOT "http" IN_LIST FEATURES))
        message(FATAL_ERROR "usage names ${target}, which the installed package does not define")
    endif()
endforeach()

if("hyperscan" IN_LIST FEATURES)
    set(hyperscan ON)
    set(engine hyperscan)
else()
    set(hyperscan OFF)
    set(engine pcre2)
endif()
lm_build_project(SOURCE_DIR "${SOURCE_DIR}/test_package" BUILD_DIR "${WORK_DIR}/test_package"
    ARGS "-DCMAKE_PREFIX_PATH=${installed}" "-DLOGMETRICS_TEST_HYPERSCAN=${hyperscan}"
         "-DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${WORK_DIR}/test_package/bin/$<0:>"
         "-DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON"
    RUN test_package EXPECT_OUTPUT "engine: ${engine}, train:loss: 2 samples, ok")
