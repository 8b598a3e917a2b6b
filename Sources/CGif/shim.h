// giflib 5 (Debian libgif-dev ships no pkg-config file, so the header is found on the default path).
#include <gif_lib.h>
