// libpng 1.6 (libpng-dev).
#pragma once
#include <png.h>
