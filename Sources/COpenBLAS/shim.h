// OpenBLAS through Debian's multiarch cblas.h (libopenblas-dev).
#pragma once
#include <cblas.h>
// Declared by OpenBLAS, not by every cblas.h.
char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
