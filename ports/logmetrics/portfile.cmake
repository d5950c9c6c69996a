# SPDX-License-Identifier: MIT
#
# vcpkg port for logmetrics, used as an overlay port from this repository:
#   vcpkg install logmetrics --overlay-ports=<logmetrics checkout>/ports
# It builds the checkout it sits in. For a registry, replace SOURCE_PATH with
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/logmetrics REF "v${VERSION}" SHA512 <...>)
# ctest `recipe_vcpkg_*` installs with exactly the OPTIONS below and checks the layout this file
# expects (tests/consumer/recipe_vcpkg.cmake): keep the two in step.

# Header-only: one configuration, no debug tree.
set(VCPKG_BUILD_TYPE release)

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        hyperscan LOGMETRICS_WITH_HYPERSCAN
        http LOGMETRICS_WITH_HTTP
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DLOGMETRICS_BUILD_TESTS=OFF
        -DLOGMETRICS_BUILD_EXAMPLES=OFF
        -DLOGMETRICS_BUILD_TOOLS=OFF
        -DLOGMETRICS_BUILD_BENCH=OFF
        -DLOGMETRICS_INSTALL=ON
        # Where vcpkg wants them (the default is share/cmake/logmetrics): nothing has to move, so
        # the relative paths in the config files stay right.
        -DLOGMETRICS_INSTALL_CMAKEDIR=share/logmetrics
)
vcpkg_cmake_install()

vcpkg_cmake_config_fixup(PACKAGE_NAME logmetrics CONFIG_PATH share/logmetrics)
# logmetrics.pc, logmetrics-hyperscan.pc and logmetrics-http.pc, in share/pkgconfig.
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE
    "${CURRENT_PACKAGES_DIR}/debug"
    "${CURRENT_PACKAGES_DIR}/share/doc")  # the LICENSE copy; vcpkg keeps it as share/logmetrics/copyright

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
