// Catch2 v2 entry point (one translation unit owns main).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
