# SPDX-License-Identifier: MIT
#[=======================================================================[.rst:
FindHyperscan
-------------

Finds the Hyperscan (or API-compatible Vectorscan) regular expression library.

Search order:

1. ``Hyperscan_INCLUDE_DIR`` and ``Hyperscan_LIBRARY``, when both are already
   set by the user (cache variables);
2. a CMake package config named ``hyperscan`` providing ``hyperscan::hs``
   (for instance the one Conan generates);
3. pkg-config module ``libhs`` (what Debian/Ubuntu ``libhyperscan-dev`` ships);
4. ``find_path(hs.h)`` (also in an ``hs/`` subfolder) and ``find_library(hs)``,
   which honour ``Hyperscan_ROOT`` and ``CMAKE_PREFIX_PATH``.

Imported target
^^^^^^^^^^^^^^^

``Hyperscan::Hyperscan``
  Whatever was found, as one target. Its include directories let code write
  either ``#include <hs/hs.h>`` or ``#include <hs.h>`` where the layout allows.

Result variables
^^^^^^^^^^^^^^^^

``Hyperscan_FOUND``, ``Hyperscan_VERSION`` (when known),
``Hyperscan_INCLUDE_DIRS`` and ``Hyperscan_LIBRARIES`` (when known).
#]=======================================================================]

include(FindPackageHandleStandardArgs)

set(_Hyperscan_link "")        # target to wrap into Hyperscan::Hyperscan
set(_Hyperscan_use_paths OFF)  # build the target from the two cache variables

# Reads HS_MAJOR/HS_MINOR/HS_PATCH from hs.h in the given directory.
function(_hyperscan_version_from_header dir out)
    set(header "${dir}/hs.h")
    if(NOT EXISTS "${header}")
        return()
    endif()
    file(STRINGS "${header}" lines REGEX "^#define[ \t]+HS_(MAJOR|MINOR|PATCH)[ \t]+[0-9]+")
    set(parts "")
    foreach(part IN ITEMS MAJOR MINOR PATCH)
        foreach(line IN LISTS lines)
            if(line MATCHES "HS_${part}[ \t]+([0-9]+)")
                list(APPEND parts "${CMAKE_MATCH_1}")
            endif()
        endforeach()
    endforeach()
    list(LENGTH parts n)
    if(n EQUAL 3)
        list(JOIN parts "." version)
        set(${out} "${version}" PARENT_SCOPE)
    endif()
endfunction()

# 1. Paths given explicitly by the user win.
if(Hyperscan_INCLUDE_DIR AND Hyperscan_LIBRARY)
    set(_Hyperscan_use_paths ON)
endif()

# 2. A CMake package config (Conan-style target hyperscan::hs).
if(NOT _Hyperscan_use_paths)
    find_package(hyperscan CONFIG QUIET)
    if(hyperscan_FOUND AND TARGET hyperscan::hs)
        set(_Hyperscan_link hyperscan::hs)
        set(Hyperscan_LIBRARIES hyperscan::hs)
        get_target_property(Hyperscan_INCLUDE_DIRS hyperscan::hs INTERFACE_INCLUDE_DIRECTORIES)
        if(NOT Hyperscan_INCLUDE_DIRS)
            set(Hyperscan_INCLUDE_DIRS "")
        endif()
        if(hyperscan_VERSION)
            set(Hyperscan_VERSION "${hyperscan_VERSION}")
        endif()
    endif()
endif()

# 3. pkg-config (Debian/Ubuntu: libhs.pc with Cflags -I/usr/include/hs).
if(NOT _Hyperscan_use_paths AND NOT _Hyperscan_link)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(PC_Hyperscan QUIET IMPORTED_TARGET libhs)
        if(PC_Hyperscan_FOUND AND TARGET PkgConfig::PC_Hyperscan
           AND PC_Hyperscan_LINK_LIBRARIES AND NOT PC_Hyperscan_LINK_LIBRARIES MATCHES "NOTFOUND")
            set(_Hyperscan_link PkgConfig::PC_Hyperscan)
            set(Hyperscan_LIBRARIES ${PC_Hyperscan_LINK_LIBRARIES})
            set(Hyperscan_INCLUDE_DIRS ${PC_Hyperscan_INCLUDE_DIRS})
            if(PC_Hyperscan_VERSION)
                set(Hyperscan_VERSION "${PC_Hyperscan_VERSION}")
            else()
                foreach(_Hyperscan_dir IN LISTS PC_Hyperscan_INCLUDE_DIRS PC_Hyperscan_INCLUDEDIR)
                    if(NOT Hyperscan_VERSION)
                        _hyperscan_version_from_header("${_Hyperscan_dir}" Hyperscan_VERSION)
                        _hyperscan_version_from_header("${_Hyperscan_dir}/hs" Hyperscan_VERSION)
                    endif()
                endforeach()
            endif()
        endif()
    endif()
endif()

# 4. Plain search; honours Hyperscan_ROOT and CMAKE_PREFIX_PATH.
if(NOT _Hyperscan_link)
    find_path(Hyperscan_INCLUDE_DIR
        NAMES hs.h
        PATH_SUFFIXES hs
        DOC "Directory holding hs.h")
    find_library(Hyperscan_LIBRARY
        NAMES hs libhs
        DOC "The Hyperscan library (libhs)")
    mark_as_advanced(Hyperscan_INCLUDE_DIR Hyperscan_LIBRARY)
    set(_Hyperscan_use_paths ON)
    if(Hyperscan_INCLUDE_DIR AND Hyperscan_LIBRARY)
        set(Hyperscan_LIBRARIES "${Hyperscan_LIBRARY}")
        set(Hyperscan_INCLUDE_DIRS "${Hyperscan_INCLUDE_DIR}")
        _hyperscan_version_from_header("${Hyperscan_INCLUDE_DIR}" Hyperscan_VERSION)
    else()
        set(Hyperscan_LIBRARIES "")
        set(Hyperscan_INCLUDE_DIRS "")
    endif()
endif()

# Allow `#include <hs/hs.h>` as well as `#include <hs.h>`: when the include
# directory is .../hs, add its parent too. (Implicit system directories such as
# /usr/include are dropped from compile lines by CMake, so this is harmless.)
set(_Hyperscan_more_dirs "")
foreach(_Hyperscan_dir IN LISTS Hyperscan_INCLUDE_DIRS)
    get_filename_component(_Hyperscan_leaf "${_Hyperscan_dir}" NAME)
    if(_Hyperscan_leaf STREQUAL "hs" AND NOT _Hyperscan_dir MATCHES "\\$<")
        get_filename_component(_Hyperscan_parent "${_Hyperscan_dir}" DIRECTORY)
        list(APPEND _Hyperscan_more_dirs "${_Hyperscan_parent}")
    endif()
endforeach()
list(APPEND Hyperscan_INCLUDE_DIRS ${_Hyperscan_more_dirs})
list(REMOVE_DUPLICATES Hyperscan_INCLUDE_DIRS)

if(_Hyperscan_use_paths)
    set(_Hyperscan_required_vars Hyperscan_LIBRARY Hyperscan_INCLUDE_DIR)
else()
    set(_Hyperscan_required_vars Hyperscan_LIBRARIES)
endif()

find_package_handle_standard_args(Hyperscan
    REQUIRED_VARS ${_Hyperscan_required_vars}
    VERSION_VAR Hyperscan_VERSION
    REASON_FAILURE_MESSAGE
        "Install Hyperscan (Debian/Ubuntu: libhyperscan-dev), or point Hyperscan_ROOT / CMAKE_PREFIX_PATH at it.")

if(Hyperscan_FOUND AND NOT TARGET Hyperscan::Hyperscan)
    if(_Hyperscan_use_paths)
        add_library(Hyperscan::Hyperscan UNKNOWN IMPORTED)
        set_target_properties(Hyperscan::Hyperscan PROPERTIES
            IMPORTED_LOCATION "${Hyperscan_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${Hyperscan_INCLUDE_DIRS}")
    else()
        add_library(Hyperscan::Hyperscan INTERFACE IMPORTED)
        target_link_libraries(Hyperscan::Hyperscan INTERFACE ${_Hyperscan_link})
        if(_Hyperscan_more_dirs)
            set_property(TARGET Hyperscan::Hyperscan APPEND PROPERTY
                INTERFACE_INCLUDE_DIRECTORIES ${_Hyperscan_more_dirs})
        endif()
    endif()
endif()

unset(_Hyperscan_link)
unset(_Hyperscan_use_paths)
unset(_Hyperscan_required_vars)
unset(_Hyperscan_more_dirs)
unset(_Hyperscan_dir)
unset(_Hyperscan_leaf)
unset(_Hyperscan_parent)
