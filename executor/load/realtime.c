/* realtime: see realtime.h. */
#include "executor/load/realtime.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "common/diag.h"

int load_take_realtime(struct diags *d)
{
	struct sched_param sp = { .sched_priority = LOAD_RT_PRIORITY };
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0)
		return 0;
	int e = errno;
	return diags_errorf(d, NULL, 0, 0, NULL, "--realtime: the OS refused the SCHED_FIFO "
			    "real-time class at priority %d (%s): it needs root, the "
			    "CAP_SYS_NICE capability, or a real-time priority limit of at least "
			    "%d (ulimit -r); or run without --realtime", LOAD_RT_PRIORITY,
			    strerror(e), LOAD_RT_PRIORITY);
}
