# SPDX-License-Identifier: MIT
#
# The version lives in include/logmetrics/version.hpp. The recipes must agree with it:
#  - ports/logmetrics/vcpkg.json hardcodes one (vcpkg needs it): it must be equal;
#  - conanfile.py must not hardcode one, and its set_version() must read version.hpp. With
#    PYTHON set, its _version_from_header() is run on version.hpp (taken out of the recipe with
#    `ast`, since Conan itself is not importable here) and must give the same version.
# Inputs: SOURCE_DIR, PYTHON (optional).
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

lm_read_version("${SOURCE_DIR}" version)
message(STATUS "version.hpp: ${version}")

file(READ "${SOURCE_DIR}/ports/logmetrics/vcpkg.json" manifest)
string(JSON vcpkg_version ERROR_VARIABLE error GET "${manifest}" version)
if(error)
    message(FATAL_ERROR "ports/logmetrics/vcpkg.json: no \"version\" (${error})")
endif()
if(NOT vcpkg_version STREQUAL version)
    message(FATAL_ERROR "ports/logmetrics/vcpkg.json says version ${vcpkg_version}; "
        "include/logmetrics/version.hpp says ${version}")
endif()
message(STATUS "vcpkg.json: ${vcpkg_version}")

set(recipe "${SOURCE_DIR}/conanfile.py")
file(READ "${recipe}" text)
if(text MATCHES "\n[ \t]+version[ \t]*=[ \t]*[\"']([^\"']+)[\"']")
    if(NOT CMAKE_MATCH_1 STREQUAL version)
        message(FATAL_ERROR "conanfile.py says version ${CMAKE_MATCH_1}; version.hpp says ${version}")
    endif()
    message(STATUS "conanfile.py: ${CMAKE_MATCH_1} (hardcoded)")
else()
    if(NOT text MATCHES "def set_version\\(" OR NOT text MATCHES "version\\.hpp")
        message(FATAL_ERROR "conanfile.py neither hardcodes a version nor reads version.hpp in set_version()")
    endif()
    if(PYTHON)
        set(probe [=[
import ast, re, sys
recipe, header = sys.argv[1], sys.argv[2]
tree = ast.parse(open(recipe).read(), recipe)
functions = [node for node in tree.body
             if isinstance(node, ast.FunctionDef) and node.name == "_version_from_header"]
if not functions:
    sys.exit("conanfile.py has no module-level _version_from_header(text)")
scope = {"re": re}
exec(compile(ast.Module(body=functions, type_ignores=[]), recipe, "exec"), scope)
print(scope["_version_from_header"](open(header).read()))
]=])
        lm_run("conanfile.py _version_from_header" COMMAND "${PYTHON}" -c "${probe}" "${recipe}"
            "${SOURCE_DIR}/include/logmetrics/version.hpp" OUTPUT_VARIABLE conan_version)
        string(STRIP "${conan_version}" conan_version)
        if(NOT conan_version STREQUAL version)
            message(FATAL_ERROR "conanfile.py reads version '${conan_version}' from version.hpp; expected ${version}")
        endif()
        message(STATUS "conanfile.py: ${conan_version} (read from version.hpp)")
    else()
        message(STATUS "conanfile.py: reads version.hpp (no Python to run it)")
    endif()
endif()
