# SPDX-License-Identifier: MIT
#
# What can be checked of conanfile.py without Conan. Reads the recipe (so a change there is picked
# up), then
#  1. copies only the recipe's exports_sources into a fresh directory, as `conan export` does;
#  2. installs from there with exactly the CMake variables generate() sets (with the default
#     options) plus the install directories Conan's CMakeToolchain sets;
#  3. checks the layout package() and package_info() rely on: the files package() copies exist,
#     the headers are in include/, and the names package_info() gives (CMake file and targets,
#     pkg-config modules, defines) are those of the package's own CMake and pkg-config files;
#  4. builds and runs test_package/ against the install with find_package (the package's own
#     CMake files standing in for the ones Conan generates from package_info()).
# With PYTHON set, also parses conanfile.py and test_package/conanfile.py (syntax only).
# Inputs: SOURCE_DIR, WORK_DIR, PYTHON (optional), plus the build settings common.cmake lists.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

set(recipe "${SOURCE_DIR}/conanfile.py")
file(READ "${recipe}" text)
# Whole-line comments only: '#' also occurs inside strings (the version regex).
string(REGEX REPLACE "\n[ \t]*#[^\n]*" "\n" text "${text}")

if(PYTHON)
    foreach(file IN ITEMS "${recipe}" "${SOURCE_DIR}/test_package/conanfile.py")
        lm_run("python syntax" COMMAND "${PYTHON}" -c
            "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])" "${file}")
    endforeach()
endif()

# default_options = {"name": True|False, ...}
set(defaults "")
if(text MATCHES "default_options[ \t]*=[ \t]*{([^}]*)}")
    string(REGEX MATCHALL "\"[a-z_]+\"[ \t]*:[ \t]*(True|False)" pairs "${CMAKE_MATCH_1}")
    foreach(pair IN LISTS pairs)
        string(REGEX REPLACE "\"([a-z_]+)\".*(True|False)" "\\1=\\2" pair "${pair}")
        list(APPEND defaults "${pair}")
    endforeach()
endif()

# 1. exports_sources
if(NOT text MATCHES "exports_sources[ \t]*=[ \t]*(\\([^)]*\\)|\\[[^]]*\\]|[^\n]+)")
    message(FATAL_ERROR "conanfile.py has no exports_sources")
endif()
string(REGEX MATCHALL "\"[^\"]+\"" patterns "${CMAKE_MATCH_1}")
set(export "${WORK_DIR}/export_source")
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(pattern IN LISTS patterns)
    string(REPLACE "\"" "" pattern "${pattern}")
    if(pattern MATCHES "^(.+)/\\*$")  # "dir/*": everything below dir (fnmatch's * crosses '/')
        file(COPY "${SOURCE_DIR}/${CMAKE_MATCH_1}" DESTINATION "${export}")
    elseif(pattern MATCHES "[*?[]")
        file(GLOB matches RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${pattern}")
        foreach(match IN LISTS matches)
            get_filename_component(dir "${match}" DIRECTORY)
            file(COPY "${SOURCE_DIR}/${match}" DESTINATION "${export}/${dir}")
        endforeach()
    elseif(EXISTS "${SOURCE_DIR}/${pattern}")
        file(COPY "${SOURCE_DIR}/${pattern}" DESTINATION "${export}")
    else()
        message(FATAL_ERROR "exports_sources names ${pattern}, which does not exist")
    endif()
endforeach()

# 2. tc.cache_variables["NAME"] = True | False | "text" | [bool(]self.options.<name>[)]
string(REGEX MATCHALL "variables\\[\"[A-Za-z0-9_]+\"\\][ \t]*=[ \t]*[^\n]+" assignments "${text}")
set(options "")
foreach(assignment IN LISTS assignments)
    string(REGEX MATCH "\\[\"([A-Za-z0-9_]+)\"\\][ \t]*=[ \t]*([^\n#]*[^\n# \t])" _ "${assignment}")
    set(name "${CMAKE_MATCH_1}")
    set(value "${CMAKE_MATCH_2}")
    if(value MATCHES "^(bool\\()?self\\.options\\.([a-z_]+)\\)?$")
        set(option "${CMAKE_MATCH_2}")
        set(default "${defaults}")
        list(FILTER default INCLUDE REGEX "^${option}=")
        if(NOT default)
            message(FATAL_ERROR "${name} takes option ${option}, which has no default in default_options")
        endif()
        string(REGEX REPLACE "^[a-z_]+=" "" value "${default}")
    endif()
    if(value STREQUAL "True")
        set(value ON)
    elseif(value STREQUAL "False")
        set(value OFF)
    elseif(value MATCHES "^\"([^\"]*)\"$")
        set(value "${CMAKE_MATCH_1}")
    else()
        message(FATAL_ERROR "recipe_conan.cmake cannot read the value of ${name}: ${value}")
    endif()
    list(APPEND options "-D${name}=${value}")
endforeach()
if(NOT options)
    message(FATAL_ERROR "found no tc.cache_variables[...] assignment in conanfile.py")
endif()
message(STATUS "default options [${defaults}] -> CMake variables: ${options}")

# The install directories conan_toolchain.cmake sets (cpp.package defaults); the data directory
# stays share unless a layout maps res/, which package() removes as well.
set(conan_own
    -DCMAKE_INSTALL_BINDIR=bin -DCMAKE_INSTALL_SBINDIR=bin -DCMAKE_INSTALL_LIBEXECDIR=bin
    -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include -DCMAKE_INSTALL_OLDINCLUDEDIR=include)
set(prefix "${WORK_DIR}/package")
lm_install_logmetrics(SOURCE_DIR "${export}" BUILD_DIR "${WORK_DIR}/build" PREFIX "${prefix}"
    INSTALL_TIME_PREFIX EXACT_OPTIONS OPTIONS ${options} ${conan_own})

# 3. The layout and names package() and package_info() rely on.
string(REGEX MATCHALL "copy\\(self, \"[^\"]+\"" copied "${text}")
foreach(item IN LISTS copied)
    string(REGEX REPLACE ".*\"([^\"]+)\"" "\\1" item "${item}")
    if(NOT EXISTS "${export}/${item}")
        message(FATAL_ERROR "package() copies ${item}, which is not exported (exports_sources)")
    endif()
endforeach()
if(NOT EXISTS "${prefix}/include/logmetrics/logmetrics.hpp")
    message(FATAL_ERROR "the headers are not in include/, where package_info() expects them")
endif()

if(NOT text MATCHES "set_property\\(\"cmake_file_name\", \"([^\"]+)\"\\)")
    message(FATAL_ERROR "package_info() does not set cmake_file_name")
endif()
set(config_dir "${prefix}/share/cmake/${CMAKE_MATCH_1}")
if(NOT EXISTS "${config_dir}/${CMAKE_MATCH_1}Config.cmake")
    message(FATAL_ERROR "cmake_file_name ${CMAKE_MATCH_1} is not the name of the CMake package")
endif()

# The whole-package names (self.cpp_info.set_property) have no counterpart; the components' do.
set(root_names "")
string(REGEX MATCHALL "self\\.cpp_info\\.set_property\\(\"(cmake_target_name|pkg_config_name)\", \"[^\"]+\"\\)"
    root "${text}")
foreach(item IN LISTS root)
    string(REGEX REPLACE ".*, \"([^\"]+)\"\\)" "\\1" item "${item}")
    list(APPEND root_names "${item}")
endforeach()

# What an option that is off by default leaves out of this install: not checked against it.
set(not_installed "")
if("with_http=False" IN_LIST defaults)
    list(APPEND not_installed logmetrics::http logmetrics-http LOGMETRICS_HAS_HTTP=1)
endif()

file(GLOB targets_files "${config_dir}/*Targets.cmake")
set(exported "")
foreach(targets_file IN LISTS targets_files)
    file(READ "${targets_file}" content)
    string(APPEND exported "${content}")
endforeach()
string(REGEX MATCHALL "set_property\\(\"cmake_target_name\", \"[^\"]+\"\\)" names "${text}")
foreach(name IN LISTS names)
    string(REGEX REPLACE ".*, \"([^\"]+)\"\\)" "\\1" name "${name}")
    if(NOT name IN_LIST root_names AND NOT name IN_LIST not_installed)
        string(FIND "${exported}" "add_library(${name} INTERFACE IMPORTED)" at)
        if(at EQUAL -1)
            message(FATAL_ERROR "package_info() names target ${name}; the CMake package has no such target")
        endif()
    endif()
endforeach()
string(REGEX MATCHALL "set_property\\(\"pkg_config_name\", \"[^\"]+\"\\)" names "${text}")
foreach(name IN LISTS names)
    string(REGEX REPLACE ".*, \"([^\"]+)\"\\)" "\\1" name "${name}")
    if(NOT name IN_LIST root_names AND NOT name IN_LIST not_installed AND NOT EXISTS "${prefix}/share/pkgconfig/${name}.pc")
        message(FATAL_ERROR "package_info() names pkg-config module ${name}; the install has no ${name}.pc")
    endif()
endforeach()
string(REGEX MATCHALL "defines = \\[[^]]*\\]" defines "${text}")
string(REGEX MATCHALL "\"[^\"]+\"" defines "${defines}")
foreach(define IN LISTS defines)
    string(REPLACE "\"" "" define "${define}")
    if(define IN_LIST not_installed)
        continue()
    endif()
    string(FIND "${exported}" "${define}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "package_info() defines ${define}; the CMake targets do not")
    endif()
endforeach()

# 4. test_package, with the engine the default options select.
if("-DLOGMETRICS_WITH_HYPERSCAN=ON" IN_LIST options)
    set(hyperscan ON)
    set(engine hyperscan)
else()
    set(hyperscan OFF)
    set(engine pcre2)
endif()
lm_build_project(SOURCE_DIR "${SOURCE_DIR}/test_package" BUILD_DIR "${WORK_DIR}/test_package"
    ARGS "-DCMAKE_PREFIX_PATH=${prefix}" "-DLOGMETRICS_TEST_HYPERSCAN=${hyperscan}"
         "-DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${WORK_DIR}/test_package/bin/$<0:>"
         "-DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON"
    RUN test_package EXPECT_OUTPUT "engine: ${engine}, train:loss: 2 samples, ok")
