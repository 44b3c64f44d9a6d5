/*
 * safename: the one rule for values that become part of a path (exp-name, model prefix,
 * framework, precision, runner and node names: they name recipes, profiles, result files
 * and folders). A safe name is 1 to SAFE_NAME_MAX ASCII letters, digits, '.', '_', '-' and
 * '+', not starting with '.' or '-': so it cannot climb out of a folder ("..", "/"), hide
 * (".x"), read as an option ("-x"), or carry a control character, a space or a shell
 * metacharacter. matrixgen's schema refuses other values where configs are read, and the
 * executor's entry reader refuses them again, since an entry may be written by hand.
 */
#ifndef COMMON_SAFENAME_H
#define COMMON_SAFENAME_H

#include <stdbool.h>

#define SAFE_NAME_MAX 128

/* What a safe name is, for messages: "a safe name (letters, digits, ...)". */
extern const char safe_name_rule[];

bool safe_name_ok(const char *s);

#endif
