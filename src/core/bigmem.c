/*-------------------------------------------------------------------------
 *
 * bigmem.c
 *	  Large arrays on transparent huge pages, where the kernel offers them.
 *
 * First touching fresh memory costs a page fault per 4 kB page. On virtual
 * machines a fault can cost ~10 us, so filling a 32 MB array costs ~100 ms,
 * more than most of the work done on it (a 1M-customer fit touches ~70 MB).
 * With Linux transparent huge pages in "madvise" mode (the usual default),
 * madvise(MADV_HUGEPAGE) lets the kernel fault in 2 MB pages instead: about
 * twenty times faster here. The advice is only a hint: without it, or where
 * it does not exist, the memory works exactly as before.
 *
 *-------------------------------------------------------------------------
 */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((uintptr_t) 2 << 20)

/* Advises huge pages for the aligned interior of [p, p + len) (see bigmem.h). */
void
crm_advise_huge(void *p, size_t len)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t	start = ((uintptr_t) p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t	end = ((uintptr_t) p + len) & ~(HUGE_PAGE - 1);

	if (p != NULL && len >= CRM_BIGMEM_MIN && end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#else
	(void) p;
	(void) len;
#endif
}

/* malloc with the huge-page advice for large sizes. */
void *
crm_big_malloc(size_t size)
{
	void	   *p = malloc(size);

	crm_advise_huge(p, size);
	return p;
}
