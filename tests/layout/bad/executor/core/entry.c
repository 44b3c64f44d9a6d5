#include "executor/run.h"
