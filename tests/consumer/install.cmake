# SPDX-License-Identifier: MIT
#
# ctest fixture: installs logmetrics from SOURCE_DIR into PREFIX (fresh; build tree BUILD_DIR),
# with OPTIONS ('|'-separated -D options). The prefix is given only to `cmake --install --prefix`.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

lm_install_logmetrics(SOURCE_DIR "${SOURCE_DIR}" BUILD_DIR "${BUILD_DIR}" PREFIX "${PREFIX}"
    INSTALL_TIME_PREFIX OPTIONS ${OPTIONS})
