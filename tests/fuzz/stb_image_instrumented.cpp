// stb_image's decoders compiled from Debian's header (libstb-dev) into the
// fuzz build, with its instrumentation, instead of linking the prebuilt
// libstb: libFuzzer then sees coverage inside the decoders and ASan checks
// their memory accesses.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
