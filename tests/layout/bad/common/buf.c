#include "matrixgen/config.h"
