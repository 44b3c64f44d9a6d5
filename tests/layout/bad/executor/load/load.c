#include "executor/launch/launcher.h"
#include "executor/core/entry.h"
#include <stdio.h>
