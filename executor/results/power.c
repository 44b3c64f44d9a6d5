/*
 * power: upstream's utils/aggregate_power.py (at 843c6254f), rule for rule. The comments name
 * the Python function each part stands for; where we read less than Python does (a subset of
 * ISO 8601, ASCII digits), docs/executor.md says so.
 *
 * Floating point: every sum and product is done in the order Python does it, in doubles, and
 * this file is compiled with -ffp-contract=off (no fused multiply-add), so the figures are the
 * same bits. Python 3.11's sum() of floats adds left to right from 0; statistics.mean is exact
 * (duplicate-timestamp readings: one or two values are exact here too, more are averaged in
 * long double).
 */
#include "executor/results/power.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "common/jtree.h"
#include "executor/results/pycsv.h"

#define INTEGRATION_METHOD "per_device_trapezoidal_with_linear_boundary_interpolation"
#define ACCUMULATOR_TOLERANCE 0.05

const char *const power_metric_keys[POWER_NR_METRICS] = {
	"avg_power_w",
	"avg_total_gpu_power_w",
	"total_gpu_energy_j",
	"joules_per_successful_query",
	"joules_per_input_token",
	"joules_per_output_token",
	"joules_per_total_token",
};

void power_reason_add(struct power_reasons *r, const char *reason)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i], reason))
			return;
	if (r->nr < POWER_MAX_REASONS) /* there are fewer distinct codes than that */
		r->v[r->nr++] = reason;
}

/* n bytes of s (NULs included) and a NUL, owned by the caller */
static char *memdupz(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- strings as Python's str sees them ---------------------------------------------------- */

struct span {
	const char *s;
	size_t n;
};

/* Length of the Unicode whitespace character (str.isspace) starting at s, or 0. */
static size_t space_at(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r') || (s[0] >= 0x1c && s[0] <= 0x1f)))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3; /* U+1680 */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3; /* U+2000..200A, 2028, 2029, 202F */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3; /* U+205F */
	if (n >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

/* Length of the whitespace character that ends s[0..n), or 0. */
static size_t space_before(const unsigned char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++)
		if (space_at(s + n - k, k) == k)
			return k;
	return 0;
}

/* str.strip() */
static struct span strip(struct span v)
{
	size_t k;
	while (v.n && (k = space_at((const unsigned char *)v.s, v.n))) {
		v.s += k;
		v.n -= k;
	}
	while (v.n && (k = space_before((const unsigned char *)v.s, v.n)))
		v.n -= k;
	return v;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Case-insensitive search of an ASCII word in s. */
static bool contains_ci(struct span s, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= s.n; i++) {
		size_t j = 0;
		while (j < w && (s.s[i + j] | 0x20) == word[j])
			j++;
		if (j == w)
			return true;
	}
	return false;
}

static bool equals_ci(struct span s, const char *word)
{
	size_t w = strlen(word);
	if (s.n != w)
		return false;
	for (size_t i = 0; i < w; i++) {
		char c = s.s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != word[i])
			return false;
	}
	return true;
}

/* _NUMBER_RE = -?\d+(?:\.\d+)? matched at s[i]: its length, or 0. */
static size_t number_at(struct span s, size_t i)
{
	size_t j = i;
	if (j < s.n && s.s[j] == '-')
		j++;
	size_t d = j;
	while (j < s.n && is_digit(s.s[j]))
		j++;
	if (j == d)
		return 0;
	if (j + 1 < s.n && s.s[j] == '.' && is_digit(s.s[j + 1])) {
		j++;
		while (j < s.n && is_digit(s.s[j]))
			j++;
	}
	return j - i;
}

static double span_float(struct span s)
{
	char tmp[64];
	if (s.n < sizeof(tmp)) {
		memcpy(tmp, s.s, s.n);
		tmp[s.n] = '\0';
		return strtod(tmp, NULL);
	}
	char *big = memdupz(s.s, s.n);
	double v = strtod(big, NULL);
	free(big);
	return v;
}

/* _parse_power: the first number in the cell; false for empty, N/A or no number. */
static bool parse_power(struct span v, double *out)
{
	v = strip(v);
	if (!v.n || equals_ci(v, "[n/a]") || equals_ci(v, "n/a") || equals_ci(v, "na"))
		return false;
	for (size_t i = 0; i < v.n; i++) {
		size_t n = number_at(v, i);
		if (n) {
			*out = span_float((struct span){ v.s + i, n });
			return true;
		}
	}
	return false;
}

/* ---- timestamps (_parse_timestamp) --------------------------------------------------------- */

static bool leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct civil {
	long year, mon, day, hour, min, sec, usec; /* as parsed: civil_timestamp checks the ranges */
	bool aware;
	long offset_s; /* aware: seconds east of UTC */
};

/* datetime(...).timestamp(): naive values are local time (mktime), aware ones exact. */
static bool civil_timestamp(const struct civil *c, double *out)
{
	if (c->mon < 1 || c->mon > 12 || c->day < 1 || c->day > month_days(c->year, (int)c->mon) ||
	    c->hour > 23 || c->min > 59 || c->sec > 59 || c->year < 1 || c->year > 9999)
		return false;
	if (c->aware) {
		long long s = days_from_civil(c->year, (int)c->mon, (int)c->day) * 86400 +
			      c->hour * 3600 + c->min * 60 + c->sec - c->offset_s;
		*out = (double)(s * 1000000 + c->usec) / 1e6;
		return true;
	}
	struct tm tm = { .tm_year = (int)c->year - 1900, .tm_mon = (int)c->mon - 1,
			 .tm_mday = (int)c->day, .tm_hour = (int)c->hour, .tm_min = (int)c->min,
			 .tm_sec = (int)c->sec, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	*out = (double)(long long)t + (double)c->usec / 1e6;
	return true;
}

/* Reads a run of 1..max ASCII digits at s[*i]; false when there is none or more than max. */
static bool digits(struct span s, size_t *i, size_t min, size_t max, long *out)
{
	size_t j = *i;
	long v = 0;
	while (j < s.n && is_digit(s.s[j]) && j - *i < max + 1) {
		v = v * 10 + (s.s[j] - '0');
		j++;
	}
	if (j - *i < min || j - *i > max)
		return false;
	*out = v;
	*i = j;
	return true;
}

static bool lit(struct span s, size_t *i, char c)
{
	if (*i < s.n && s.s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

/* strptime(v, "%Y/%m/%d %H:%M:%S[.%f]"): the space matches any whitespace run, each field
 * one or two digits (%Y four, %f one to six, %d also " D"), nothing may follow. */
static bool parse_smi_time(struct span v, bool with_fraction, double *out)
{
	struct civil c = { 0 };
	size_t i = 0;
	if (!digits(v, &i, 4, 4, &c.year) || !lit(v, &i, '/') || !digits(v, &i, 1, 2, &c.mon) ||
	    !lit(v, &i, '/'))
		return false;
	if (i < v.n && v.s[i] == ' ' && i + 1 < v.n && v.s[i + 1] >= '1' && v.s[i + 1] <= '9' &&
	    (i + 2 >= v.n || !is_digit(v.s[i + 2])) && i + 2 < v.n && space_at((const unsigned char *)v.s + i + 2, v.n - i - 2)) {
		c.day = v.s[i + 1] - '0'; /* %d's " [1-9]" */
		i += 2;
	} else if (!digits(v, &i, 1, 2, &c.day)) {
		return false;
	}
	size_t k, ws = 0;
	while (i < v.n && (k = space_at((const unsigned char *)v.s + i, v.n - i))) {
		i += k;
		ws++;
	}
	if (!ws || !digits(v, &i, 1, 2, &c.hour) || !lit(v, &i, ':') ||
	    !digits(v, &i, 1, 2, &c.min) || !lit(v, &i, ':') || !digits(v, &i, 1, 2, &c.sec))
		return false;
	if (with_fraction) {
		size_t from;
		if (!lit(v, &i, '.'))
			return false;
		from = i;
		if (!digits(v, &i, 1, 6, &c.usec))
			return false;
		for (size_t n = i - from; n < 6; n++)
			c.usec *= 10;
	}
	if (i != v.n)
		return false;
	/* the regex's alternatives: %m 1..12, %d 1..31, %H 0..23, %M 0..59, %S 0..61 */
	if (c.mon < 1 || c.mon > 12 || c.day < 1 || c.day > 31 || c.hour > 23 || c.min > 59 ||
	    c.sec > 61)
		return false;
	return civil_timestamp(&c, out);
}

/* datetime.fromisoformat, the shapes SMI tools write: YYYY-MM-DD, then optionally one
 * separator character and HH[:MM[:SS[(.|,)fraction]]], then optionally Z or +-HH[:MM]. */
static bool parse_iso_time(struct span v, double *out)
{
	struct civil c = { 0 };
	size_t i = 0;
	if (!digits(v, &i, 4, 4, &c.year) || !lit(v, &i, '-') || !digits(v, &i, 2, 2, &c.mon) ||
	    !lit(v, &i, '-') || !digits(v, &i, 2, 2, &c.day))
		return false;
	if (i < v.n) {
		i++; /* any one separator */
		if (!digits(v, &i, 2, 2, &c.hour))
			return false;
		if (lit(v, &i, ':')) {
			if (!digits(v, &i, 2, 2, &c.min))
				return false;
			if (lit(v, &i, ':')) {
				if (!digits(v, &i, 2, 2, &c.sec))
					return false;
				if (i < v.n && (v.s[i] == '.' || v.s[i] == ',')) {
					i++;
					size_t from = i, n;
					while (i < v.n && is_digit(v.s[i]))
						i++;
					n = i - from;
					if (!n)
						return false;
					for (size_t k = 0; k < 6; k++)
						c.usec = c.usec * 10 + (k < n ? v.s[from + k] - '0' : 0);
				}
			}
		}
		if (i < v.n && v.s[i] == 'Z') {
			i++;
			c.aware = true;
		} else if (i < v.n && (v.s[i] == '+' || v.s[i] == '-')) {
			int sign = v.s[i++] == '-' ? -1 : 1;
			long oh, om = 0;
			if (!digits(v, &i, 2, 2, &oh))
				return false;
			if (lit(v, &i, ':') && !digits(v, &i, 2, 2, &om))
				return false;
			if (oh > 23 || om > 59)
				return false;
			c.aware = true;
			c.offset_s = sign * (oh * 3600 + om * 60);
		}
		if (i != v.n)
			return false;
	}
	return civil_timestamp(&c, out);
}

/* _parse_timestamp */
static bool parse_timestamp(struct span v, double *out)
{
	v = strip(v);
	if (!v.n)
		return false;
	if (number_at(v, 0) == v.n) {
		double n = span_float(v);
		*out = n > 1e12 ? n / 1000.0 : n;
		return true;
	}
	if (parse_smi_time(v, true, out) || parse_smi_time(v, false, out))
		return true;
	/* a space becomes the separator when there is no 'T' */
	char tmp[128];
	if (v.n >= sizeof(tmp))
		return false;
	memcpy(tmp, v.s, v.n);
	if (!memchr(v.s, 'T', v.n)) {
		char *sp = memchr(tmp, ' ', v.n);
		if (sp)
			*sp = 'T';
	}
	return parse_iso_time((struct span){ tmp, v.n }, out);
}

static struct span field(const struct pycsv_row *r, size_t i)
{
	return (struct span){ r->text.s + r->start[i], r->flen[i] };
}

/* The header (stripped) and the columns _detect_columns picks. A DictReader row's value for
 * a name is the field at the name's LAST position in the header (dict(zip(...)) keeps the
 * last), "" when the row is shorter. -1: no such column. */
struct columns {
	struct pycsv_row header;
	long ts, power, gpu;
};

static long last_index_of(const struct pycsv_row *h, struct span name)
{
	for (size_t j = h->nr; j-- > 0;) {
		struct span f = strip(field(h, j));
		if (f.n == name.n && !memcmp(f.s, name.s, f.n))
			return (long)j;
	}
	return -1;
}

static bool gpu_index_name(struct span c)
{
	static const char *const names[] = { "index", "gpu", "gpu_id", "gpu_index", "card", "device" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (equals_ci(c, names[i]))
			return true;
	return false;
}

/* Reads the header row and finds the columns; false on csv.Error. */
static bool columns_read(struct columns *c, struct pycsv_reader *rd)
{
	bool err = false;
	memset(c, 0, sizeof(*c));
	c->ts = c->power = c->gpu = -1;
	if (!pycsv_next(rd, &c->header, &err))
		return !err; /* no header: fieldnames None */
	long ts = -1, power = -1, gpu = -1;
	for (size_t j = 0; j < c->header.nr; j++) {
		struct span f = strip(field(&c->header, j));
		if (ts < 0 && contains_ci(f, "time"))
			ts = (long)j;
		if (power < 0 && contains_ci(f, "power") && !contains_ci(f, "limit") &&
		    !contains_ci(f, "cap") && !contains_ci(f, "max") && !contains_ci(f, "min"))
			power = (long)j;
		if (gpu < 0 && gpu_index_name(f))
			gpu = (long)j;
	}
	if (ts >= 0)
		c->ts = last_index_of(&c->header, strip(field(&c->header, (size_t)ts)));
	if (power >= 0)
		c->power = last_index_of(&c->header, strip(field(&c->header, (size_t)power)));
	if (gpu >= 0)
		c->gpu = last_index_of(&c->header, strip(field(&c->header, (size_t)gpu)));
	return true;
}

/* row.get(col) or "" */
static struct span cell(const struct pycsv_row *r, long col)
{
	if (col < 0 || (size_t)col >= r->nr)
		return (struct span){ "", 0 };
	return field(r, (size_t)col);
}

/* DictReader skips rows with no field at all (blank lines). */
static bool next_data_row(struct pycsv_reader *rd, struct pycsv_row *r, bool *err)
{
	while (pycsv_next(rd, r, err))
		if (r->nr)
			return true;
	return false;
}

/* ---- samples per GPU ------------------------------------------------------------------- */

struct gpu_raw {
	char *id; /* owned */
	size_t id_len, first_seen;
	struct power_sample *v;
	size_t nr, alloc;
};

struct gpu_set {
	struct gpu_raw *v;
	size_t nr, alloc;
};

static struct gpu_raw *gpu_find(struct gpu_set *gs, struct span id)
{
	for (size_t i = 0; i < gs->nr; i++)
		if (gs->v[i].id_len == id.n && !memcmp(gs->v[i].id, id.s, id.n))
			return &gs->v[i];
	VEC_GROW(gs->v, gs->nr + 1, gs->alloc);
	struct gpu_raw *g = &gs->v[gs->nr];
	memset(g, 0, sizeof(*g));
	g->id = memdupz(id.s, id.n);
	g->id_len = id.n;
	g->first_seen = gs->nr++;
	return g;
}

static void gpu_push(struct gpu_raw *g, double t, double w)
{
	VEC_GROW(g->v, g->nr + 1, g->alloc);
	g->v[g->nr] = (struct power_sample){ t, w, g->nr };
	g->nr++;
}

static void gpu_set_release(struct gpu_set *gs)
{
	for (size_t i = 0; i < gs->nr; i++) {
		free(gs->v[i].id);
		free(gs->v[i].v);
	}
	free(gs->v);
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* _gpu_sort_key: digit ids by value first, then the others by code point; ties (01 and 1)
 * keep their first-seen order (Python's sort is stable). */
static int gpu_cmp(const void *pa, const void *pb)
{
	const struct gpu_raw *a = pa, *b = pb;
	bool na = all_digits(a->id, a->id_len), nb = all_digits(b->id, b->id_len);
	int c;
	if (na != nb)
		return na ? -1 : 1;
	if (na) {
		const char *x = a->id, *y = b->id;
		size_t xn = a->id_len, yn = b->id_len;
		while (xn > 1 && *x == '0')
			x++, xn--;
		while (yn > 1 && *y == '0')
			y++, yn--;
		c = xn != yn ? (xn < yn ? -1 : 1) : memcmp(x, y, xn);
	} else {
		size_t n = a->id_len < b->id_len ? a->id_len : b->id_len;
		c = memcmp(a->id, b->id, n);
		if (!c && a->id_len != b->id_len)
			c = a->id_len < b->id_len ? -1 : 1;
	}
	if (c)
		return c;
	return a->first_seen < b->first_seen ? -1 : a->first_seen > b->first_seen;
}

static int sample_cmp(const void *pa, const void *pb)
{
	const struct power_sample *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* sorted((timestamp, power) ...) of the cross-check: ties by power */
static int sample_cmp_tw(const void *pa, const void *pb)
{
	const struct power_sample *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->w != b->w)
		return a->w < b->w ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts g by time and replaces readings that share a timestamp by their mean. */
static void merge_duplicates(struct gpu_raw *g)
{
	qsort(g->v, g->nr, sizeof(*g->v), sample_cmp);
	size_t out = 0;
	for (size_t i = 0; i < g->nr;) {
		size_t j = i + 1;
		while (j < g->nr && g->v[j].t == g->v[i].t)
			j++;
		double mean;
		if (j - i == 1) {
			mean = g->v[i].w;
		} else if (j - i == 2) {
			mean = (g->v[i].w + g->v[i + 1].w) / 2.0; /* exact but for overflow */
		} else {
			long double sum = 0;
			for (size_t k = i; k < j; k++)
				sum += g->v[k].w;
			mean = (double)(sum / (long double)(j - i));
		}
		g->v[out] = (struct power_sample){ g->v[i].t, mean, out };
		out++;
		i = j;
	}
	g->nr = out;
}

/* bisect_left / bisect_right over the sample times */
static size_t bisect_left(const struct power_sample *v, size_t n, double t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t bisect_right(const struct power_sample *v, size_t n, double t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t < v[mid].t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* _interpolate_power; t is bracketed (the caller checked). */
static double interpolate(const struct power_sample *v, size_t n, double t)
{
	size_t right = bisect_left(v, n, t);
	if (right < n && (v[right].t == t || fabs(v[right].t - t) <= 1e-9))
		return v[right].w;
	const struct power_sample *l = &v[right - 1], *r = &v[right];
	double fraction = (t - l->t) / (r->t - l->t);
	return l->w + fraction * (r->w - l->w);
}

/* _integrate_device */
double power_integrate_device(const struct power_sample *v, size_t n, double start, double end)
{
	double pt = start, pw = interpolate(v, n, start), end_w = interpolate(v, n, end);
	double energy = 0.0;
	for (size_t i = 0; i < n; i++) {
		if (!(start < v[i].t && v[i].t < end))
			continue;
		energy += (v[i].t - pt) * (pw + v[i].w) / 2.0;
		pt = v[i].t;
		pw = v[i].w;
	}
	energy += (end - pt) * (pw + end_w) / 2.0;
	return energy;
}

void power_integration_init(struct power_integration *pi, bool has_expected, long expected)
{
	memset(pi, 0, sizeof(*pi));
	pi->has_expected = has_expected;
	pi->expected_num_gpus = expected;
}

void power_integration_release(struct power_integration *pi)
{
	for (size_t i = 0; i < pi->nr; i++)
		free(pi->v[i].id);
	free(pi->v);
	pi->v = NULL;
	pi->nr = pi->alloc = 0;
}

/* Reads every usable row into gs (integrate_power's loop). Returns false on csv.Error. */
static bool read_window_samples(struct power_integration *pi, struct gpu_set *gs,
				struct pycsv_reader *rd, const struct columns *c, double start,
				double end, double gap)
{
	struct pycsv_row row = { BUF_INIT, NULL, NULL, 0, 0, 0 };
	bool err = false, missing_id = false;
	while (next_data_row(rd, &row, &err)) {
		double t, w;
		if (!parse_timestamp(cell(&row, c->ts), &t) || !isfinite(t)) {
			power_reason_add(&pi->reasons, "invalid_timestamp_sample");
			continue;
		}
		if (t < start - gap || t > end + gap)
			continue;
		bool has_w = parse_power(cell(&row, c->power), &w);
		struct span id = strip(cell(&row, c->gpu));
		if (!has_w || !isfinite(w) || w < 0) {
			power_reason_add(&pi->reasons, "invalid_power_sample");
			continue;
		}
		if (!id.n) {
			missing_id = true;
			continue;
		}
		gpu_push(gpu_find(gs, id), t, w);
	}
	pycsv_row_release(&row);
	if (missing_id && !err)
		power_reason_add(&pi->reasons, "gpu_identity_missing");
	return !err;
}

void power_integrate(struct power_integration *pi, const char *csv, size_t len,
		     double start, double end, double gap)
{
	struct power_reasons *r = &pi->reasons;
	if (!isfinite(start) || !isfinite(end) || end <= start) {
		r->nr = 0;
		power_reason_add(r, "invalid_benchmark_window");
		return;
	}
	if (pi->has_expected && pi->expected_num_gpus <= 0)
		power_reason_add(r, "invalid_expected_gpu_count");
	if (!isfinite(gap) || gap <= 0) {
		r->nr = 0;
		power_reason_add(r, "invalid_max_sample_gap");
		return;
	}
	if (!csv) {
		power_reason_add(r, "telemetry_file_missing");
		return;
	}
	if (!len) {
		power_reason_add(r, "telemetry_file_empty");
		return;
	}
	struct pycsv_reader rd = { csv, len, 0, true };
	struct columns c;
	struct gpu_set gs = { 0 };
	if (!columns_read(&c, &rd)) {
		power_reason_add(r, "telemetry_file_unreadable");
		goto done;
	}
	if (c.ts < 0)
		power_reason_add(r, "timestamp_column_missing");
	if (c.power < 0)
		power_reason_add(r, "power_column_missing");
	if (c.gpu < 0)
		power_reason_add(r, "gpu_identity_column_missing");
	if (c.ts < 0 || c.power < 0 || c.gpu < 0)
		goto done;
	if (!read_window_samples(pi, &gs, &rd, &c, start, end, gap)) {
		power_reason_add(r, "telemetry_file_unreadable");
		goto done;
	}
	if (!gs.nr) {
		power_reason_add(r, "no_usable_power_samples");
		goto done;
	}
	qsort(gs.v, gs.nr, sizeof(*gs.v), gpu_cmp);
	if (pi->has_expected && pi->expected_num_gpus > 0 &&
	    gs.nr != (size_t)pi->expected_num_gpus)
		power_reason_add(r, "expected_gpu_count_mismatch");

	size_t with_energy = 0;
	double total = 0.0;
	for (size_t i = 0; i < gs.nr; i++) {
		struct gpu_raw *g = &gs.v[i];
		merge_duplicates(g);
		struct power_gpu out = { .id = g->id, .sample_count = g->nr };
		g->id = NULL; /* moved */
		if (g->nr < 2) {
			out.issue = "insufficient_power_samples";
		} else if (g->v[0].t > start || g->v[g->nr - 1].t < end) {
			out.issue = "benchmark_window_not_bracketed";
		} else {
			size_t left = bisect_right(g->v, g->nr, start) - 1;
			size_t right = bisect_left(g->v, g->nr, end);
			double max_gap = 0.0; /* max(gaps, default=0.0); gaps are > 0 */
			for (size_t k = left; k < right; k++) {
				double d = g->v[k + 1].t - g->v[k].t;
				if (d > max_gap)
					max_gap = d;
			}
			out.has_gap = true;
			out.max_gap_s = max_gap;
			if (max_gap > gap)
				out.issue = "sampling_gap_exceeded";
			out.has_energy = true;
			out.energy_j = power_integrate_device(g->v, g->nr, start, end);
			with_energy++;
		}
		if (out.issue)
			power_reason_add(r, out.issue);
		VEC_GROW(pi->v, pi->nr + 1, pi->alloc);
		pi->v[pi->nr++] = out;
	}
	if (with_energy == pi->nr) {
		for (size_t i = 0; i < pi->nr; i++)
			total += pi->v[i].energy_j;
		pi->has_totals = true;
		pi->total_gpu_energy_j = total;
		pi->avg_total_gpu_power_w = total / (end - start);
		pi->avg_power_w = pi->avg_total_gpu_power_w / (double)pi->nr;
	}
done:
	pycsv_row_release(&c.header);
	gpu_set_release(&gs);
}

/* ---- the benchmark result (_load_benchmark_data) ----------------------------------------- */

static bool json_number(const struct jnode *n, double *out)
{
	if (!n || n->type != JT_NUM)
		return false;
	*out = n->num;
	return true;
}

/* A positive Python int, or 0 (the reason is added by the caller). */
static long long positive_int(const struct jnode *n)
{
	if (!n || n->type != JT_NUM || !n->is_int)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(n->s, &end, 10);
	if (*end || v <= 0 || errno)
		return 0; /* stricter than Python: a count above 2^63-1 is not a count */
	return v;
}

bool power_bench_read(struct power_bench *b, const char *text, size_t len,
		      struct power_reasons *r)
{
	memset(b, 0, sizeof(*b));
	struct jnode *root = text ? jtree_parse(text, len, "bench", NULL) : NULL;
	if (!root) {
		power_reason_add(r, "invalid_benchmark_result");
		return false;
	}
	double start, end, duration;
	bool ok = root->type == JT_OBJ &&
		  json_number(jobj_get(root, "benchmark_start_time_unix"), &start) &&
		  json_number(jobj_get(root, "benchmark_end_time_unix"), &end) &&
		  json_number(jobj_get(root, "duration"), &duration) && isfinite(start) &&
		  isfinite(end) && isfinite(duration) && end > start && duration > 0;
	if (!ok) {
		jtree_free(root);
		power_reason_add(r, "invalid_benchmark_window");
		return false;
	}
	double span = end - start, tolerance = span * 0.01;
	if (tolerance < 0.5)
		tolerance = 0.5;
	if (fabs(duration - span) > tolerance)
		power_reason_add(r, "benchmark_duration_mismatch");
	b->start_unix = start;
	b->end_unix = end;
	b->reported_duration_s = duration;
	if (!(b->completed = positive_int(jobj_get(root, "completed"))))
		power_reason_add(r, "invalid_successful_query_count");
	if (!(b->total_input_tokens = positive_int(jobj_get(root, "total_input_tokens"))))
		power_reason_add(r, "invalid_input_token_count");
	if (!(b->total_output_tokens = positive_int(jobj_get(root, "total_output_tokens"))))
		power_reason_add(r, "invalid_output_token_count");
	jtree_free(root);
	return true;
}

void power_metrics_compute(struct power_metrics *m, const struct power_integration *pi,
			   const struct power_bench *b)
{
	memset(m, 0, sizeof(*m));
	if (!pi->has_totals)
		return;
	double e = pi->total_gpu_energy_j;
	/* input + output is an exact integer sum in Python, converted once */
	long long total = b->total_input_tokens + b->total_output_tokens;
	m->present = true;
	m->v[0] = pi->avg_power_w;
	m->v[1] = pi->avg_total_gpu_power_w;
	m->v[2] = e;
	m->v[3] = e / (double)b->completed;
	m->v[4] = e / (double)b->total_input_tokens;
	m->v[5] = e / (double)b->total_output_tokens;
	m->v[6] = e / (double)total;
}

/* round(x, nd): correctly rounded to nd decimals (glibc's printf is exact, like dtoa). */
double power_py_round(double x, int nd)
{
	if (!isfinite(x) || x == 0)
		return x;
	char tmp[400];
	snprintf(tmp, sizeof(tmp), "%.*f", nd, x);
	return strtod(tmp, NULL);
}

static bool key_is(const struct jmember *m, const char *k)
{
	return strlen(k) == m->key_len && !memcmp(m->key, k, m->key_len);
}

static bool key_in(const struct jmember *m, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (key_is(m, keys[i]))
			return true;
	return false;
}

int power_patch_agg_keys(struct buf *out, const struct jnode *agg, bool power_valid,
			 const char *const *drop, size_t ndrop, const char *const *keys,
			 const double *vals, size_t n)
{
	if (agg->type != JT_OBJ)
		return -1;
	if (power_valid)
		for (size_t i = 0; i < n; i++)
			if (!isfinite(vals[i]))
				return -1; /* "non-finite power metric" */
	struct jsonw w;
	bool seen_version = false, seen_valid = false;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	for (size_t i = 0; i < agg->nr; i++) {
		const struct jmember *mem = &agg->members[i];
		if (!jobj_first_of_key(agg, i) || key_in(mem, drop, ndrop) ||
		    key_is(mem, "power_invalid_reasons"))
			continue;
		/* a metric key set again lands where it was; drop covers every metric key */
		jsonw_key(&w, mem->key);
		if (key_is(mem, "power_metric_schema_version")) {
			jsonw_int(&w, POWER_METRIC_SCHEMA_VERSION);
			seen_version = true;
		} else if (key_is(mem, "power_valid")) {
			jsonw_int(&w, power_valid);
			seen_valid = true;
		} else {
			jtree_write(&w, jobj_get(agg, mem->key));
		}
	}
	if (!seen_version) {
		jsonw_key(&w, "power_metric_schema_version");
		jsonw_int(&w, POWER_METRIC_SCHEMA_VERSION);
	}
	if (!seen_valid) {
		jsonw_key(&w, "power_valid");
		jsonw_int(&w, power_valid);
	}
	if (power_valid)
		for (size_t i = 0; i < n; i++) {
			const char *k = keys[i];
			size_t kn = strlen(k);
			bool wj = kn >= 2 && (!strcmp(k + kn - 2, "_w") || !strcmp(k + kn - 2, "_j"));
			jsonw_key(&w, k);
			jsonw_double(&w, power_py_round(vals[i], wj ? 3 : 6));
		}
	jsonw_obj_close(&w);
	return 0;
}

int power_patch_agg(struct buf *out, const struct jnode *agg, bool power_valid,
		    const struct power_metrics *m)
{
	return power_patch_agg_keys(out, agg, power_valid, power_metric_keys, POWER_NR_METRICS,
				    power_metric_keys, m->v,
				    power_valid && m->present ? POWER_NR_METRICS : 0);
}

/* ---- the accumulator cross-check (cross_check_accumulator) ------------------------------- */

struct energy_entry {
	char *id; /* owned */
	size_t id_len;
	double j;
};

struct energy_map {
	struct energy_entry *v;
	size_t nr, alloc;
};

static void energy_map_release(struct energy_map *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->v[i].id);
	free(m->v);
}

static struct energy_entry *energy_find(const struct energy_map *m, const char *id, size_t n)
{
	for (size_t i = 0; i < m->nr; i++)
		if (m->v[i].id_len == n && !memcmp(m->v[i].id, id, n))
			return &m->v[i];
	return NULL;
}

/* _read_energy_snapshot: false when the header lacks gpu / total_energy_consumption or no
 * row is usable; *err on csv.Error. */
static bool read_energy_snapshot(struct energy_map *m, const char *s, size_t len, bool *err)
{
	struct pycsv_reader rd = { s, len, 0, true };
	struct pycsv_row h = { BUF_INIT, NULL, NULL, 0, 0, 0 }, row = h;
	bool ok = false;
	long gpu = -1, energy = -1;
	if (pycsv_next(&rd, &h, err)) {
		gpu = last_index_of(&h, (struct span){ "gpu", 3 });
		energy = last_index_of(&h, (struct span){ "total_energy_consumption", 24 });
	}
	if (!*err && gpu >= 0 && energy >= 0) {
		while (next_data_row(&rd, &row, err)) {
			struct span id = strip(cell(&row, gpu));
			struct span e = strip(cell(&row, energy));
			char *txt = memdupz(e.s, e.n);
			double j;
			bool num = pynum_float(&j, txt);
			free(txt);
			if (!id.n || !num || !isfinite(j))
				continue;
			struct energy_entry *x = energy_find(m, id.s, id.n);
			if (!x) {
				VEC_GROW(m->v, m->nr + 1, m->alloc);
				x = &m->v[m->nr++];
				x->id = memdupz(id.s, id.n);
				x->id_len = id.n;
			}
			x->j = j;
		}
		ok = !*err && m->nr;
	}
	pycsv_row_release(&h);
	pycsv_row_release(&row);
	return ok;
}

/* _stream_samples_by_gpu; false on csv.Error */
static bool stream_samples(struct gpu_set *gs, const char *s, size_t len)
{
	struct pycsv_reader rd = { s, len, 0, true };
	struct columns c;
	struct pycsv_row row = { BUF_INIT, NULL, NULL, 0, 0, 0 };
	bool err = false;
	if (!columns_read(&c, &rd)) {
		err = true;
	} else if (c.ts >= 0 && c.power >= 0 && c.gpu >= 0) {
		while (next_data_row(&rd, &row, &err)) {
			double t, w;
			struct span id = strip(cell(&row, c.gpu));
			bool ht = parse_timestamp(cell(&row, c.ts), &t);
			bool hw = parse_power(cell(&row, c.power), &w);
			if (!ht || !hw || !id.n || !isfinite(t) || !isfinite(w))
				continue;
			gpu_push(gpu_find(gs, id), t, w);
		}
	}
	pycsv_row_release(&c.header);
	pycsv_row_release(&row);
	for (size_t i = 0; i < gs->nr; i++)
		qsort(gs->v[i].v, gs->v[i].nr, sizeof(*gs->v[i].v), sample_cmp_tw);
	return !err;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct energy_entry *a = pa, *b = pb;
	struct gpu_raw x = { .id = a->id, .id_len = a->id_len, .first_seen = (size_t)a->j };
	struct gpu_raw y = { .id = b->id, .id_len = b->id_len, .first_seen = (size_t)b->j };
	return gpu_cmp(&x, &y);
}

/* Writes the ids of list (sorted by _gpu_sort_key) as a JSON array. */
static void write_ids(struct jsonw *w, struct energy_map *list)
{
	for (size_t i = 0; i < list->nr; i++)
		list->v[i].j = (double)i; /* first-seen order for ties */
	if (list->nr > 1) /* qsort's base may not be NULL, even for no elements */
		qsort(list->v, list->nr, sizeof(*list->v), entry_cmp);
	jsonw_arr_open(w);
	for (size_t i = 0; i < list->nr; i++)
		jsonw_strn(w, list->v[i].id, list->v[i].id_len);
	jsonw_arr_close(w);
}

static void add_id(struct energy_map *m, const char *id, size_t n, double j)
{
	VEC_GROW(m->v, m->nr + 1, m->alloc);
	m->v[m->nr++] = (struct energy_entry){ memdupz(id, n), n, j };
}

static void unavailable(struct jsonw *w, const char *reason)
{
	jsonw_obj_open(w);
	jsonw_key(w, "available");
	jsonw_bool(w, false);
	jsonw_key(w, "reason");
	jsonw_str(w, reason);
	jsonw_obj_close(w);
}

static void accumulator_write(struct jsonw *w, const struct power_validation *v)
{
	const struct power_text *st = &v->energy_start, *en = &v->energy_end;
	if (!st->s && !en->s) {
		jsonw_null(w);
		return;
	}
	if (!st->s || !en->s) {
		unavailable(w, !st->s ? "missing_start_snapshot" : "missing_end_snapshot");
		return;
	}
	struct energy_map start = { 0 }, end = { 0 }, matched = { 0 }, unmatched = { 0 };
	struct gpu_set stream = { 0 };
	bool err = false;
	if (!read_energy_snapshot(&start, st->s, st->len, &err)) {
		unavailable(w, err ? "cross_check_error" : "unparseable_start_snapshot");
		goto done;
	}
	if (!read_energy_snapshot(&end, en->s, en->len, &err)) {
		unavailable(w, err ? "cross_check_error" : "unparseable_end_snapshot");
		goto done;
	}
	/* matched: start ∩ end with the delta; unmatched: the symmetric difference */
	for (size_t i = 0; i < start.nr; i++) {
		const struct energy_entry *e = energy_find(&end, start.v[i].id, start.v[i].id_len);
		if (e)
			add_id(&matched, start.v[i].id, start.v[i].id_len, e->j - start.v[i].j);
		else
			add_id(&unmatched, start.v[i].id, start.v[i].id_len, 0);
	}
	for (size_t i = 0; i < end.nr; i++)
		if (!energy_find(&start, end.v[i].id, end.v[i].id_len))
			add_id(&unmatched, end.v[i].id, end.v[i].id_len, 0);
	/* sorted(set(...)): a set's order is not the file's, but the sort decides every tie
	 * but "01" against "1", which no SMI writes; ties keep first-seen order here */
	{
		double *deltas = xmalloc(st_mult(matched.nr + 1, sizeof(double)));
		for (size_t i = 0; i < matched.nr; i++)
			deltas[i] = matched.v[i].j;
		struct energy_map sorted = { 0 };
		for (size_t i = 0; i < matched.nr; i++)
			add_id(&sorted, matched.v[i].id, matched.v[i].id_len, (double)i);
		if (sorted.nr > 1)
			qsort(sorted.v, sorted.nr, sizeof(*sorted.v), entry_cmp);
		for (size_t i = 0; i < sorted.nr; i++)
			sorted.v[i].j = deltas[(size_t)sorted.v[i].j];
		free(deltas);
		energy_map_release(&matched);
		matched = sorted;
	}
	if (!v->csv.s || !stream_samples(&stream, v->csv.s, v->csv.len)) {
		unavailable(w, "cross_check_error");
		goto done;
	}
	double integrated = 0.0, delta = 0.0, lo = 0, hi = 0;
	bool any = false;
	struct energy_map integrated_ids = { 0 };
	for (size_t i = 0; i < matched.nr; i++) {
		struct gpu_raw *g = NULL;
		for (size_t k = 0; k < stream.nr; k++)
			if (stream.v[k].id_len == matched.v[i].id_len &&
			    !memcmp(stream.v[k].id, matched.v[i].id, matched.v[i].id_len))
				g = &stream.v[k];
		if (!g)
			continue;
		add_id(&integrated_ids, g->id, g->id_len, 0);
		double t = 0.0;
		for (size_t k = 0; k + 1 < g->nr; k++)
			t += (g->v[k + 1].t - g->v[k].t) * (g->v[k].w + g->v[k + 1].w) / 2.0;
		integrated += t;
		/* boundaries: each GPU's first and last time; the span is max - min */
		double a = g->v[0].t, b = g->v[g->nr - 1].t;
		if (!any)
			lo = hi = a;
		any = true;
		lo = fmin(lo, fmin(a, b));
		hi = fmax(hi, fmax(a, b));
	}
	for (size_t i = 0; i < matched.nr; i++)
		delta += matched.v[i].j;
	bool negative = false;
	for (size_t i = 0; i < matched.nr; i++)
		negative |= matched.v[i].j < 0;
	jsonw_obj_open(w);
	jsonw_key(w, "available");
	jsonw_bool(w, true);
	jsonw_key(w, "accumulator_delta_j");
	jsonw_double(w, delta);
	jsonw_key(w, "integrated_stream_j");
	jsonw_double(w, integrated);
	jsonw_key(w, "relative_error");
	double rel = 0;
	if (delta > 0) {
		rel = fabs(delta - integrated) / delta;
		jsonw_double(w, rel);
	} else {
		jsonw_null(w);
	}
	jsonw_key(w, "within_tolerance");
	jsonw_bool(w, delta > 0 && !negative && rel <= ACCUMULATOR_TOLERANCE);
	jsonw_key(w, "tolerance");
	jsonw_double(w, ACCUMULATOR_TOLERANCE);
	jsonw_key(w, "per_gpu_delta_j");
	jsonw_obj_open(w);
	for (size_t i = 0; i < matched.nr; i++) {
		char *k = matched.v[i].id;
		jsonw_key(w, k);
		jsonw_double(w, matched.v[i].j);
	}
	jsonw_obj_close(w);
	jsonw_key(w, "integrated_gpu_ids");
	write_ids(w, &integrated_ids);
	jsonw_key(w, "unmatched_gpus");
	write_ids(w, &unmatched);
	jsonw_key(w, "negative_delta_gpus");
	jsonw_arr_open(w);
	for (size_t i = 0; i < matched.nr; i++)
		if (matched.v[i].j < 0)
			jsonw_strn(w, matched.v[i].id, matched.v[i].id_len);
	jsonw_arr_close(w);
	jsonw_key(w, "stream_span_s");
	jsonw_double(w, any ? hi - lo : 0.0);
	jsonw_obj_close(w);
	energy_map_release(&integrated_ids);
done:
	energy_map_release(&start);
	energy_map_release(&end);
	energy_map_release(&matched);
	energy_map_release(&unmatched);
	gpu_set_release(&stream);
}

/* ---- the validation sidecar (_validation_payload) ---------------------------------------- */

void power_validation_json(struct buf *out, const struct power_validation *v)
{
	struct jsonw w;
	const struct power_integration *pi = v->pi;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	jsonw_key(&w, "schema_version");
	jsonw_int(&w, 1);
	jsonw_key(&w, "power_valid");
	jsonw_bool(&w, v->power_valid);
	jsonw_key(&w, "reasons");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < v->reasons->nr; i++)
		jsonw_str(&w, v->reasons->v[i]);
	jsonw_arr_close(&w);
	jsonw_key(&w, "telemetry_source");
	jsonw_str(&w, v->csv_path);
	jsonw_key(&w, "benchmark_result");
	jsonw_str(&w, v->bench_path);
	jsonw_key(&w, "benchmark_window");
	if (v->bench) {
		const struct power_bench *b = v->bench;
		jsonw_obj_open(&w);
		jsonw_key(&w, "start_time_unix");
		jsonw_double(&w, b->start_unix);
		jsonw_key(&w, "end_time_unix");
		jsonw_double(&w, b->end_unix);
		jsonw_key(&w, "reported_duration_s");
		jsonw_double(&w, b->reported_duration_s);
		jsonw_key(&w, "integration_duration_s");
		jsonw_double(&w, b->end_unix - b->start_unix);
		jsonw_key(&w, "completed");
		jsonw_int(&w, b->completed);
		jsonw_key(&w, "total_input_tokens");
		jsonw_int(&w, b->total_input_tokens);
		jsonw_key(&w, "total_output_tokens");
		jsonw_int(&w, b->total_output_tokens);
		jsonw_obj_close(&w);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "integration_method");
	jsonw_str(&w, INTEGRATION_METHOD);
	jsonw_key(&w, "expected_gpu_count");
	if (pi->has_expected)
		jsonw_int(&w, pi->expected_num_gpus);
	else
		jsonw_null(&w);
	jsonw_key(&w, "observed_gpu_count");
	jsonw_int(&w, (long long)pi->nr);
	jsonw_key(&w, "observed_gpu_ids");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < pi->nr; i++)
		jsonw_str(&w, pi->v[i].id);
	jsonw_arr_close(&w);
	jsonw_key(&w, "per_gpu_sample_counts");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < pi->nr; i++) {
		jsonw_key(&w, pi->v[i].id);
		jsonw_int(&w, (long long)pi->v[i].sample_count);
	}
	jsonw_obj_close(&w);
	jsonw_key(&w, "per_gpu_max_sample_gap_s");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < pi->nr; i++)
		if (pi->v[i].has_gap) {
			jsonw_key(&w, pi->v[i].id);
			jsonw_double(&w, pi->v[i].max_gap_s);
		}
	jsonw_obj_close(&w);
	jsonw_key(&w, "per_gpu_energy_j");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < pi->nr; i++)
		if (pi->v[i].has_energy) {
			jsonw_key(&w, pi->v[i].id);
			jsonw_double(&w, pi->v[i].energy_j);
		}
	jsonw_obj_close(&w);
	jsonw_key(&w, "device_issues");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < pi->nr; i++)
		if (pi->v[i].issue) {
			jsonw_key(&w, pi->v[i].id);
			jsonw_arr_open(&w);
			jsonw_str(&w, pi->v[i].issue);
			jsonw_arr_close(&w);
		}
	jsonw_obj_close(&w);
	jsonw_key(&w, "accumulator_check");
	accumulator_write(&w, v);
	jsonw_key(&w, "metrics");
	jsonw_obj_open(&w);
	if (v->metrics->present)
		for (size_t i = 0; i < POWER_NR_METRICS; i++)
			if (isfinite(v->metrics->v[i])) {
				jsonw_key(&w, power_metric_keys[i]);
				jsonw_double(&w, power_py_round(v->metrics->v[i], 6));
			}
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
}

/* ---- paths as pathlib prints them ------------------------------------------------------- */

void power_py_path(struct buf *out, const char *p)
{
	size_t from = out->len;
	if (p[0] == '/') {
		buf_addch(out, '/');
		if (p[1] == '/' && p[2] != '/')
			buf_addch(out, '/');
	}
	bool first = true;
	for (const char *s = p; *s;) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		if (e > s && !(e - s == 1 && *s == '.')) {
			if (!first)
				buf_addch(out, '/');
			buf_add(out, s, (size_t)(e - s));
			first = false;
		}
		s = e;
	}
	if (out->len == from)
		buf_addch(out, '.');
}

bool power_py_sibling(struct buf *out, const char *p, const char *prefix, const char *suffix)
{
	struct buf norm = BUF_INIT;
	power_py_path(&norm, p);
	const char *slash = strrchr(norm.s, '/');
	const char *name = slash ? slash + 1 : norm.s;
	size_t n = strlen(name);
	if (!n || !strcmp(name, ".")) {
		buf_release(&norm);
		return false;
	}
	/* stem: the name without its last suffix (a leading dot is no suffix) */
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot > name && dot < name + n - 1 ? (size_t)(dot - name) : n;
	buf_add(out, norm.s, (size_t)(name - norm.s));
	buf_adds(out, prefix);
	buf_add(out, name, stem);
	buf_adds(out, suffix);
	buf_release(&norm);
	return true;
}
