# Included by the top-level CMakeLists.txt when CAIRN_FUZZ is ON, in place of the normal build:
# only the layers the fuzz targets link (common, auth, iam/policy and the pure parsers of s3),
# so neither RocksDB, curl, CLI11 nor Node (the console) is needed.
#
#   CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCAIRN_FUZZ=ON && cmake --build build-fuzz
#
# Project code is instrumented for coverage (fuzzer-no-link) and checked by ASan and UBSan; the
# targets link libFuzzer's main. UBSan findings abort, so libFuzzer reports them as crashes.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CAIRN_FUZZ needs clang with libFuzzer: configure a separate build dir "
                      "with CC=clang-14 CXX=clang++-14 (tests/fuzz/README.md).")
endif()
find_library(ISAL_LIB isal REQUIRED)
include_directories(${CMAKE_SOURCE_DIR}/src)

set(CAIRN_SANITIZERS address,undefined)
add_compile_options(-g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,${CAIRN_SANITIZERS}
                    -fno-sanitize-recover=all)
add_link_options(-fsanitize=${CAIRN_SANITIZERS})

add_subdirectory(src/common)
add_subdirectory(src/auth)
add_subdirectory(src/iam/policy)
add_subdirectory(tests/fuzz)
