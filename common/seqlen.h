/*
 * seqlen: the name of a sequence-length pair (matrix-spec section 2), used in exp-name,
 * changelog groups, aggregate charts and file names: (1024, 1024) 1k1k, (1024, 8192) 1k8k,
 * (8192, 1024) 8k1k, any other pair "<isl>_<osl>".
 */
#ifndef COMMON_SEQLEN_H
#define COMMON_SEQLEN_H

#define SEQ_LEN_NAME_MAX 48 /* two longs, '_' and NUL fit */

void seq_len_name(char out[SEQ_LEN_NAME_MAX], long isl, long osl);

#endif
