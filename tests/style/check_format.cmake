# SPDX-License-Identifier: MIT
# Fails when a C++ file of the project differs from what clang-format makes of it.
#   cmake -DCLANG_FORMAT=<clang-format> -DSOURCE_DIR=<repo> -P check_format.cmake
set(_dirs include tools tests bench examples testing test_package)
set(_files "")
foreach(_dir IN LISTS _dirs)
    file(GLOB_RECURSE _found "${SOURCE_DIR}/${_dir}/*.hpp" "${SOURCE_DIR}/${_dir}/*.cpp" "${SOURCE_DIR}/${_dir}/*.h")
    list(APPEND _files ${_found})
endforeach()
list(FILTER _files EXCLUDE REGEX "/tests/headers/poison/")
# What `npm ci` in tests/integration/* installs (statsd brings nan's C++ headers) is not ours.
list(FILTER _files EXCLUDE REGEX "/node_modules/")
list(LENGTH _files _count)
execute_process(COMMAND "${CLANG_FORMAT}" --dry-run --Werror --style=file ${_files}
    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${_err}\nclang-format: files above are not formatted; run\n"
        "  clang-format -i $(git ls-files '*.hpp' '*.cpp')")
endif()
message(STATUS "clang-format: ${_count} files formatted as .clang-format says")
