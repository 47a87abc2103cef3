#include <copas/copas.hpp>

int main() { return copas::finished() ? 0 : 1; }
