# SPDX-License-Identifier: MIT
#
# Helper functions for the logmetrics build. This file only defines functions,
# so it may be included before project().

include_guard(GLOBAL)

set(_LOGMETRICS_UTILS_DIR "${CMAKE_CURRENT_LIST_DIR}")

# logmetrics_extract_version([<path to version.hpp>])
#
# Reads LOGMETRICS_VERSION_MAJOR/_MINOR/_PATCH from version.hpp (by default
# include/logmetrics/version.hpp next to this cmake/ folder) and sets, in the
# caller's scope:
#   LOGMETRICS_VERSION_MAJOR, LOGMETRICS_VERSION_MINOR, LOGMETRICS_VERSION_PATCH
#   LOGMETRICS_VERSION  ("MAJOR.MINOR.PATCH")
# Editing the header re-runs the configure step.
function(logmetrics_extract_version)
    if(ARGC GREATER 0)
        set(header "${ARGV0}")
    else()
        set(header "${_LOGMETRICS_UTILS_DIR}/../include/logmetrics/version.hpp")
    endif()
    get_filename_component(header "${header}" ABSOLUTE)
    if(NOT EXISTS "${header}")
        message(FATAL_ERROR "logmetrics: cannot read the version, ${header} does not exist")
    endif()

    file(STRINGS "${header}" lines
         REGEX "^[ \t]*#[ \t]*define[ \t]+LOGMETRICS_VERSION_(MAJOR|MINOR|PATCH)[ \t]+[0-9]+")

    foreach(part IN ITEMS MAJOR MINOR PATCH)
        set(value "")
        foreach(line IN LISTS lines)
            if(line MATCHES "LOGMETRICS_VERSION_${part}[ \t]+([0-9]+)")
                set(value "${CMAKE_MATCH_1}")
            endif()
        endforeach()
        if(value STREQUAL "")
            message(FATAL_ERROR
                "logmetrics: no '#define LOGMETRICS_VERSION_${part} <number>' line in ${header}")
        endif()
        # Normalise "01" to "1".
        math(EXPR value "${value}")
        set(LOGMETRICS_VERSION_${part} "${value}" PARENT_SCOPE)
        set(_${part} "${value}")
    endforeach()

    set(LOGMETRICS_VERSION "${_MAJOR}.${_MINOR}.${_PATCH}" PARENT_SCOPE)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${header}")
endfunction()

# logmetrics_enable_warnings(<target>)
#
# Turns on the project's warning set for a target the project compiles (tests,
# examples, tools, benchmarks), and makes warnings errors when
# LOGMETRICS_WARNINGS_AS_ERRORS is ON (through the COMPILE_WARNING_AS_ERROR
# property, i.e. -Werror for GCC/Clang, /WX for MSVC; a build can still opt out
# with `cmake --build ... --compile-no-warning-as-error`).
#
# Third-party headers do not count: every dependency comes in as an IMPORTED
# target (Catch2, CLI11, nlohmann_json, benchmark, PCRE2, Hyperscan), and the
# include directories of imported targets are passed as system directories
# (-isystem), which this function makes sure is not switched off.
function(logmetrics_enable_warnings target)
    if(NOT TARGET "${target}")
        message(FATAL_ERROR "logmetrics_enable_warnings: '${target}' is not a target")
    endif()

    get_target_property(type "${target}" TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        # Warnings are a property of what we compile, never pushed onto consumers.
        return()
    endif()

    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options("${target}" PRIVATE
            -Wall
            -Wextra
            -Wpedantic
            -Wshadow
            -Wconversion
            -Wsign-conversion
            -Wold-style-cast
            -Wnon-virtual-dtor
            -Woverloaded-virtual)
        # GCC 12 and 13 report -Wrestrict inside libstdc++'s std::string operator+ at -O2/-O3 where
        # nothing overlaps (GCC bug 105329): a false positive in a system header, not in our code.
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 14)
            target_compile_options("${target}" PRIVATE -Wno-restrict)
        endif()
    elseif(MSVC)
        target_compile_options("${target}" PRIVATE /W4 /permissive-)
    endif()

    set_target_properties("${target}" PROPERTIES NO_SYSTEM_FROM_IMPORTED OFF)

    if(LOGMETRICS_WARNINGS_AS_ERRORS)
        set_target_properties("${target}" PROPERTIES COMPILE_WARNING_AS_ERROR ON)
    endif()
endfunction()
