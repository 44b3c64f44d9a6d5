/* seqlen: see seqlen.h. */
#include "common/seqlen.h"

#include <stdio.h>
#include <string.h>

void seq_len_name(char out[SEQ_LEN_NAME_MAX], long isl, long osl)
{
	if (isl == 1024 && osl == 1024)
		strcpy(out, "1k1k");
	else if (isl == 1024 && osl == 8192)
		strcpy(out, "1k8k");
	else if (isl == 8192 && osl == 1024)
		strcpy(out, "8k1k");
	else
		snprintf(out, SEQ_LEN_NAME_MAX, "%ld_%ld", isl, osl);
}
