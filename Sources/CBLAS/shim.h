// OpenBLAS's CBLAS interface, found through `pkg-config openblas` (Debian puts the
// header in the multiarch include directory, which pkg-config adds to the search path).
#include <cblas.h>
