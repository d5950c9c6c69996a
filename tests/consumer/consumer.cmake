# SPDX-License-Identifier: MIT
#
# Configures, builds and runs one consumer project (PROJECT_DIR) in BUILD_DIR with CONSUMER_ARGS
# ('|'-separated -D options). With EXPECT_CONFIGURE_ERROR (a regex), the configure step must fail
# with that message instead. EXPECT_OUTPUT: regexes ('|'-separated) the consumer's output must match.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

if(DEFINED EXPECT_CONFIGURE_ERROR)
    lm_build_project(SOURCE_DIR "${PROJECT_DIR}" BUILD_DIR "${BUILD_DIR}" ARGS ${CONSUMER_ARGS}
        EXPECT_CONFIGURE_ERROR "${EXPECT_CONFIGURE_ERROR}")
else()
    lm_build_project(SOURCE_DIR "${PROJECT_DIR}" BUILD_DIR "${BUILD_DIR}" ARGS ${CONSUMER_ARGS}
        RUN consumer EXPECT_OUTPUT ${EXPECT_OUTPUT})
endif()
