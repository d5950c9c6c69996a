# SPDX-License-Identifier: MIT
#
# Included by the consumer projects: consumer_add_program(<target> <logmetrics target>) builds
# consumer.cpp into bin/<target> (one place for every generator, so the scripts can run it), with
# the project's warning set on the consumer's own code (errors when CONSUMER_WERROR is ON).
#
# With CONSUMER_SEPARATE ON, the program uses the separate-compilation mode (README, "Compile
# time"): every file is compiled with LOGMETRICS_SEPARATE_COMPILATION, and a second file,
# logmetrics_src.cpp, is the one that includes <logmetrics/src.hpp>. consumer.cpp then gets a
# poisoned <nlohmann/json.hpp> first on its include path: in that mode only the src file may parse it.

option(CONSUMER_WERROR "Treat warnings in the consumer as errors" OFF)
option(CONSUMER_SEPARATE "Build the consumer in logmetrics' separate-compilation mode" OFF)
set(CMAKE_CXX_EXTENSIONS OFF)

function(consumer_add_program target library)
    add_executable(${target} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/consumer.cpp")
    target_link_libraries(${target} PRIVATE ${library})
    target_compile_features(${target} PRIVATE cxx_std_20)
    if(CONSUMER_SEPARATE)
        add_library(${target}_logmetrics STATIC "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/logmetrics_src.cpp")
        target_link_libraries(${target}_logmetrics PUBLIC ${library})
        target_compile_definitions(${target}_logmetrics PUBLIC LOGMETRICS_SEPARATE_COMPILATION)
        target_compile_features(${target}_logmetrics PUBLIC cxx_std_20)
        target_link_libraries(${target} PRIVATE ${target}_logmetrics)
        target_include_directories(${target} BEFORE PRIVATE "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/poison_json")
    endif()
    # $<0:> keeps multi-config generators from adding a per-configuration subdirectory.
    set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin/$<0:>")
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
            -Wsign-conversion -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual)
        # GCC bug 105329: -Wrestrict false positives inside libstdc++ at -O2 (as logmetrics_utils.cmake).
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 14)
            target_compile_options(${target} PRIVATE -Wno-restrict)
        endif()
    elseif(MSVC)
        target_compile_options(${target} PRIVATE /W4 /permissive-)
    endif()
    if(CONSUMER_WERROR)
        set_target_properties(${target} PROPERTIES COMPILE_WARNING_AS_ERROR ON)
    endif()
endfunction()
