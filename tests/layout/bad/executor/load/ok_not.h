#include "executor/results/table.h"
