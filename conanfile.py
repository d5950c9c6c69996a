# SPDX-License-Identifier: MIT
"""Conan 2 recipe for logmetrics, a header-only C++20 library.

    conan create .                                          # with the Hyperscan engine
    conan create . -o "logmetrics/*:with_hyperscan=False"   # PCRE2 engine only
    conan create . -o "logmetrics/*:with_http=True"         # with the HTTP sinks (libcurl)

Consumers get the same names as with the CMake package: find_package(logmetrics), targets
logmetrics::logmetrics, logmetrics::hyperscan and logmetrics::http; pkg-config modules logmetrics,
logmetrics-hyperscan and logmetrics-http.

The ctest tests `recipe_conan_layout` and `recipe_versions` (tests/consumer/) cannot run Conan:
they read this file instead. They take the CMake variables from the `tc.cache_variables[...] =`
lines (values: True, False, or self.options.<name>), install with exactly those, check the
layout package() relies on, and build test_package/ against the result. Keep those lines simple.
"""

import os
import re

from conan import ConanFile
from conan.errors import ConanException, ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0"


def _version_from_header(text):
    """MAJOR.MINOR.PATCH from the text of include/logmetrics/version.hpp, the one place it lives."""
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        match = re.search(r"^\s*#\s*define\s+LOGMETRICS_VERSION_%s\s+(\d+)" % part, text, re.MULTILINE)
        if not match:
            raise ValueError("no '#define LOGMETRICS_VERSION_%s <number>' in version.hpp" % part)
        parts.append(str(int(match.group(1))))
    return ".".join(parts)


class LogmetricsConan(ConanFile):
    name = "logmetrics"
    description = ("Header-only C++20 library that turns the log lines of ML training jobs into "
                   "metric samples, with SageMaker-compatible metric definitions")
    license = "MIT"
    topics = ("metrics", "logs", "regex", "hyperscan", "pcre2", "sagemaker", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"with_hyperscan": [True, False], "with_http": [True, False]}
    default_options = {"with_hyperscan": True, "with_http": False}
    # What the CMake install needs; nothing else (tests, tools, examples) is exported.
    exports_sources = "CMakeLists.txt", "LICENSE", "cmake/*", "include/*"
    no_copy_source = True

    def set_version(self):
        header = os.path.join(self.recipe_folder, "include", "logmetrics", "version.hpp")
        try:
            self.version = _version_from_header(load(self, header))
        except ValueError as error:
            raise ConanException(str(error))

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # The public headers include pcre2.h, nlohmann/json.hpp, fmt and hs.h; fmt is a compiled
        # library, so consumers link it too.
        self.requires("pcre2/10.42", transitive_headers=True)
        self.requires("nlohmann_json/3.11.3", transitive_headers=True)
        self.requires("fmt/[>=9.1]", transitive_headers=True, transitive_libs=True)
        if self.options.with_hyperscan:
            self.requires("hyperscan/5.4.2", transitive_headers=True)
        if self.options.with_http:
            # include/logmetrics/http/ includes curl/curl.h; libcurl is a compiled library.
            self.requires("libcurl/[>=7.88 <9]", transitive_headers=True, transitive_libs=True)
            # include/logmetrics/http/remote_write.hpp includes snappy.h (remote-write bodies).
            self.requires("snappy/[>=1.1.9 <2]", transitive_headers=True, transitive_libs=True)

    def build_requirements(self):
        self.tool_requires("cmake/[>=3.25 <5]")

    def package_id(self):
        # The packaged files are the same headers whatever the settings and options.
        self.info.clear()

    def validate(self):
        if self.settings.get_safe("compiler.cppstd"):
            check_min_cppstd(self, 20)
        if self.options.with_hyperscan and str(self.settings.arch) not in ("x86", "x86_64"):
            raise ConanInvalidConfiguration(
                "Hyperscan runs on x86 only: use -o logmetrics/*:with_hyperscan=False (the PCRE2 engine)")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["LOGMETRICS_BUILD_TESTS"] = False
        tc.cache_variables["LOGMETRICS_BUILD_EXAMPLES"] = False
        tc.cache_variables["LOGMETRICS_BUILD_TOOLS"] = False
        tc.cache_variables["LOGMETRICS_BUILD_BENCH"] = False
        tc.cache_variables["LOGMETRICS_INSTALL"] = True
        tc.cache_variables["LOGMETRICS_WITH_HYPERSCAN"] = bool(self.options.with_hyperscan)
        tc.cache_variables["LOGMETRICS_WITH_HTTP"] = bool(self.options.with_http)
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        # Nothing to compile; configuring checks the dependencies and writes the install rules.
        cmake = CMake(self)
        cmake.configure()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # Conan generates CMake and pkg-config files from package_info(): drop the package's own
        # (share/cmake, share/pkgconfig, share/doc; "res" if the data dir was mapped there).
        rmdir(self, os.path.join(self.package_folder, "share"))
        rmdir(self, os.path.join(self.package_folder, "res"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "logmetrics")
        # The whole package gets a name of its own, so that logmetrics::logmetrics is the core.
        self.cpp_info.set_property("cmake_target_name", "logmetrics::logmetrics_all")
        self.cpp_info.set_property("pkg_config_name", "logmetrics-all")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        core = self.cpp_info.components["logmetrics"]
        core.set_property("cmake_target_name", "logmetrics::logmetrics")
        core.set_property("pkg_config_name", "logmetrics")
        core.requires = ["pcre2::pcre2-8", "nlohmann_json::nlohmann_json", "fmt::fmt"]
        core.bindirs = []
        core.libdirs = []

        if self.options.with_hyperscan:
            engine = self.cpp_info.components["hyperscan"]
            engine.set_property("cmake_target_name", "logmetrics::hyperscan")
            engine.set_property("pkg_config_name", "logmetrics-hyperscan")
            engine.requires = ["logmetrics", "hyperscan::hs"]
            engine.defines = ["LOGMETRICS_HAS_HYPERSCAN=1"]
            engine.bindirs = []
            engine.libdirs = []

        if self.options.with_http:
            http = self.cpp_info.components["http"]
            http.set_property("cmake_target_name", "logmetrics::http")
            http.set_property("pkg_config_name", "logmetrics-http")
            http.requires = ["logmetrics", "libcurl::curl", "snappy::snappy"]
            http.defines = ["LOGMETRICS_HAS_HTTP=1"]
            http.bindirs = []
            http.libdirs = []
