# SPDX-License-Identifier: MIT
"""Conan 2 test package for logmetrics: builds test_package.cpp against the created package.

CMakeLists.txt and test_package.cpp here are also built by ctest `recipe_conan_layout` against a
plain CMake install, so they must work with the package's own CMake files and with Conan's.
"""

import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout


class LogmetricsTestConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "VirtualRunEnv"
    test_type = "explicit"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        tc = CMakeToolchain(self)
        # Link logmetrics::hyperscan exactly when the package was made with it.
        tc.cache_variables["LOGMETRICS_TEST_HYPERSCAN"] = bool(
            self.dependencies["logmetrics"].options.with_hyperscan)
        tc.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if can_run(self):
            self.run(os.path.join(self.cpp.build.bindir, "test_package"), env="conanrun")
