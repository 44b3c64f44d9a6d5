/*
 * png_colors: counts the pixels of given colours in a PNG screenshot, so a browser test can
 * tell that charts were drawn (tests/browser/html_report.sh). Reads what Chromium writes:
 * 8-bit RGB or RGBA, not interlaced; other PNGs are refused (exit 2).
 *
 *   png_colors FILE RRGGBB:MIN...
 *
 * Prints "RRGGBB N" per colour and the share of non-white pixels; exits 1 when a colour has
 * fewer than MIN pixels or the image is all white.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fail(const char *what)
{
	fprintf(stderr, "png_colors: %s\n", what);
	return 2;
}

static unsigned char paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return (unsigned char)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* Undoes the per-row filters in place; raw holds h rows of 1 + stride bytes. */
static int unfilter(unsigned char *raw, uint32_t h, size_t stride, unsigned bpp)
{
	for (uint32_t y = 0; y < h; y++) {
		unsigned char *row = raw + y * (stride + 1), *cur = row + 1;
		unsigned char *prev = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
		for (size_t i = 0; i < stride; i++) {
			int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
			int c = prev && i >= bpp ? prev[i - bpp] : 0;
			switch (row[0]) {
			case 0: break;
			case 1: cur[i] = (unsigned char)(cur[i] + a); break;
			case 2: cur[i] = (unsigned char)(cur[i] + b); break;
			case 3: cur[i] = (unsigned char)(cur[i] + (a + b) / 2); break;
			case 4: cur[i] = (unsigned char)(cur[i] + paeth(a, b, c)); break;
			default: return -1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fail("usage: png_colors FILE RRGGBB:MIN...");
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return fail("cannot open the file");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *png = malloc((size_t)size + 1);
	if (!png || size < 8 || fread(png, 1, (size_t)size, f) != (size_t)size)
		return fail("cannot read the file");
	fclose(f);
	if (memcmp(png, "\x89PNG\r\n\x1a\n", 8))
		return fail("not a PNG");
	uint32_t w = 0, h = 0;
	unsigned bpp = 0;
	unsigned char *idat = malloc((size_t)size);
	size_t idat_len = 0;
	for (long at = 8; at + 12 <= size;) {
		uint32_t len = be32(png + at);
		const unsigned char *type = png + at + 4, *data = png + at + 8;
		if ((long)len > size - at - 12)
			return fail("truncated chunk");
		if (!memcmp(type, "IHDR", 4)) {
			w = be32(data);
			h = be32(data + 4);
			if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0)
				return fail("not 8-bit RGB(A), non-interlaced");
			bpp = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(idat + idat_len, data, len);
			idat_len += len;
		}
		at += 12 + (long)len;
	}
	if (!w || !h || !bpp)
		return fail("no IHDR");
	size_t stride = (size_t)w * bpp, raw_len = (stride + 1) * h;
	unsigned char *raw = malloc(raw_len);
	uLongf got = (uLongf)raw_len;
	if (!raw || uncompress(raw, &got, idat, (uLong)idat_len) != Z_OK || got != raw_len)
		return fail("cannot inflate the image data");
	if (unfilter(raw, h, stride, bpp))
		return fail("bad filter type");
	size_t nonwhite = 0;
	int nc = argc - 2, rc = 0;
	unsigned long *count = calloc((size_t)nc + 1, sizeof(*count));
	unsigned *rgb = calloc((size_t)nc + 1, sizeof(*rgb));
	unsigned long *min = calloc((size_t)nc + 1, sizeof(*min));
	for (int i = 0; i < nc; i++)
		if (sscanf(argv[i + 2], "%6x:%lu", &rgb[i], &min[i]) != 2)
			return fail("expected RRGGBB:MIN");
	for (uint32_t y = 0; y < h; y++) {
		const unsigned char *p = raw + y * (stride + 1) + 1;
		for (uint32_t x = 0; x < w; x++, p += bpp) {
			unsigned c = (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
			nonwhite += c != 0xffffff;
			for (int i = 0; i < nc; i++)
				count[i] += c == rgb[i];
		}
	}
	for (int i = 0; i < nc; i++) {
		printf("%06x %lu%s\n", rgb[i], count[i], count[i] < min[i] ? " (too few)" : "");
		if (count[i] < min[i])
			rc = 1;
	}
	double share = (double)nonwhite / ((double)w * h);
	printf("non-white %.4f\n", share);
	if (share < 0.01)
		rc = 1;
	free(png);
	free(idat);
	free(raw);
	free(count);
	free(rgb);
	free(min);
	return rc;
}
