/* safename: see safename.h. */
#include "common/safename.h"

#include <string.h>

const char safe_name_rule[] =
	"a safe name (1 to 128 letters, digits, '.', '_', '-' or '+', not starting with '.' or "
	"'-')";

bool safe_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > SAFE_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-' || c == '+';
		if (!ok)
			return false;
	}
	return true;
}
