/*-------------------------------------------------------------------------
 *
 * test_bigmem.c
 *	  Large arrays on huge pages: the advice never changes what memory holds
 *	  or where it is, for any alignment and size (including NULL and tiny
 *	  ranges), and crm_big_malloc memory is fully usable.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "unit.h"

/* Fills n bytes with a position-dependent pattern. */
static void
Fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t		i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char) ((i * 2654435761u + seed) >> 13);
}

/* True when p holds Fill's pattern. */
static int
Holds(const unsigned char *p, size_t n, unsigned seed)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char) ((i * 2654435761u + seed) >> 13))
			return 0;
	return 1;
}

/* crm_big_malloc memory of sizes around the threshold is writable end to end. */
static void
TestBigMalloc(void)
{
	size_t		sizes[] = {1, 4096, CRM_BIGMEM_MIN - 1, CRM_BIGMEM_MIN, 3 * CRM_BIGMEM_MIN + 12345};
	size_t		i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		unsigned char *p = crm_big_malloc(sizes[i]);

		CHECK(p != NULL);
		if (p == NULL)
			continue;
		Fill(p, sizes[i], (unsigned) i);
		CHECK(Holds(p, sizes[i], (unsigned) i));
		free(p);
	}
}

/* Advice on already-filled memory, at odd offsets and lengths, keeps the contents. */
static void
TestAdviceKeepsContents(void)
{
	size_t		n = 12 * ((size_t) 1 << 20) + 777;
	unsigned char *p = malloc(n);
	size_t		offsets[] = {0, 1, 4095, 4096, ((size_t) 2 << 20) - 1, (size_t) 3 << 20};
	size_t		i;

	CHECK(p != NULL);
	if (p == NULL)
		return;
	Fill(p, n, 7);
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
	{
		crm_advise_huge(p + offsets[i], n - offsets[i]);
		crm_advise_huge(p + offsets[i], 100);
	}
	crm_advise_huge(NULL, n);
	crm_advise_huge(p, 0);
	CHECK(Holds(p, n, 7));
	/* memory advised before first touch works as usual */
	free(p);
	p = malloc(n);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	crm_advise_huge(p, n);
	Fill(p, n, 9);
	CHECK(Holds(p, n, 9));
	free(p);
}

int
main(void)
{
	TestBigMalloc();
	TestAdviceKeepsContents();
	return UNIT_DONE("bigmem");
}
