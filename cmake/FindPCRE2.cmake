# SPDX-License-Identifier: MIT
#[=======================================================================[.rst:
FindPCRE2
---------

Finds the 8-bit PCRE2 library (libpcre2-8).

Search order:

1. ``PCRE2_INCLUDE_DIR`` and ``PCRE2_LIBRARY``, when both are already set by
   the user (cache variables);
2. pkg-config module ``libpcre2-8``;
3. ``find_path(pcre2.h)`` and ``find_library(pcre2-8)``, which honour
   ``PCRE2_ROOT`` and ``CMAKE_PREFIX_PATH``.

Imported target
^^^^^^^^^^^^^^^

``PCRE2::PCRE2``
  Include directories and the library only. It does NOT define
  ``PCRE2_CODE_UNIT_WIDTH``: code that includes ``pcre2.h`` defines it first.

Result variables
^^^^^^^^^^^^^^^^

``PCRE2_FOUND``, ``PCRE2_VERSION`` (when known), ``PCRE2_INCLUDE_DIRS``,
``PCRE2_LIBRARIES``.
#]=======================================================================]

include(FindPackageHandleStandardArgs)

set(_PCRE2_link "")        # target to wrap into PCRE2::PCRE2
set(_PCRE2_use_paths OFF)  # build the target from the two cache variables

# Reads PCRE2_MAJOR/PCRE2_MINOR from pcre2.h in the given directory.
function(_pcre2_version_from_header dir out)
    set(header "${dir}/pcre2.h")
    if(NOT EXISTS "${header}")
        return()
    endif()
    file(STRINGS "${header}" lines REGEX "^#define[ \t]+PCRE2_(MAJOR|MINOR)[ \t]+[0-9]+")
    set(parts "")
    foreach(part IN ITEMS MAJOR MINOR)
        foreach(line IN LISTS lines)
            if(line MATCHES "PCRE2_${part}[ \t]+([0-9]+)")
                list(APPEND parts "${CMAKE_MATCH_1}")
            endif()
        endforeach()
    endforeach()
    list(LENGTH parts n)
    if(n EQUAL 2)
        list(JOIN parts "." version)
        set(${out} "${version}" PARENT_SCOPE)
    endif()
endfunction()

# 1. Paths given explicitly by the user win.
if(PCRE2_INCLUDE_DIR AND PCRE2_LIBRARY)
    set(_PCRE2_use_paths ON)
endif()

# 2. pkg-config.
if(NOT _PCRE2_use_paths)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(PC_PCRE2 QUIET IMPORTED_TARGET libpcre2-8)
        if(PC_PCRE2_FOUND AND TARGET PkgConfig::PC_PCRE2
           AND PC_PCRE2_LINK_LIBRARIES AND NOT PC_PCRE2_LINK_LIBRARIES MATCHES "NOTFOUND")
            set(_PCRE2_link PkgConfig::PC_PCRE2)
            set(PCRE2_LIBRARIES ${PC_PCRE2_LINK_LIBRARIES})
            set(PCRE2_INCLUDE_DIRS ${PC_PCRE2_INCLUDE_DIRS})
            if(PC_PCRE2_VERSION)
                set(PCRE2_VERSION "${PC_PCRE2_VERSION}")
            endif()
        endif()
    endif()
endif()

# 3. Plain search.
if(NOT _PCRE2_link)
    find_path(PCRE2_INCLUDE_DIR
        NAMES pcre2.h
        DOC "Directory holding pcre2.h")
    find_library(PCRE2_LIBRARY
        NAMES pcre2-8 pcre2-8-static pcre2-8d libpcre2-8
        DOC "The 8-bit PCRE2 library (libpcre2-8)")
    mark_as_advanced(PCRE2_INCLUDE_DIR PCRE2_LIBRARY)
    set(_PCRE2_use_paths ON)
    if(PCRE2_INCLUDE_DIR AND PCRE2_LIBRARY)
        set(PCRE2_LIBRARIES "${PCRE2_LIBRARY}")
        set(PCRE2_INCLUDE_DIRS "${PCRE2_INCLUDE_DIR}")
        _pcre2_version_from_header("${PCRE2_INCLUDE_DIR}" PCRE2_VERSION)
    else()
        set(PCRE2_LIBRARIES "")
        set(PCRE2_INCLUDE_DIRS "")
    endif()
endif()

if(_PCRE2_use_paths)
    set(_PCRE2_required_vars PCRE2_LIBRARY PCRE2_INCLUDE_DIR)
else()
    set(_PCRE2_required_vars PCRE2_LIBRARIES)
endif()

find_package_handle_standard_args(PCRE2
    REQUIRED_VARS ${_PCRE2_required_vars}
    VERSION_VAR PCRE2_VERSION
    REASON_FAILURE_MESSAGE
        "Install PCRE2 (Debian/Ubuntu: libpcre2-dev), or point PCRE2_ROOT / CMAKE_PREFIX_PATH at it.")

if(PCRE2_FOUND AND NOT TARGET PCRE2::PCRE2)
    if(_PCRE2_use_paths)
        add_library(PCRE2::PCRE2 UNKNOWN IMPORTED)
        set_target_properties(PCRE2::PCRE2 PROPERTIES
            IMPORTED_LOCATION "${PCRE2_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${PCRE2_INCLUDE_DIRS}")
    else()
        add_library(PCRE2::PCRE2 INTERFACE IMPORTED)
        target_link_libraries(PCRE2::PCRE2 INTERFACE ${_PCRE2_link})
    endif()
endif()

unset(_PCRE2_link)
unset(_PCRE2_use_paths)
unset(_PCRE2_required_vars)
