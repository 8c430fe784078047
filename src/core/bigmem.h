/*-------------------------------------------------------------------------
 *
 * bigmem.h
 *	  Large arrays on transparent huge pages, where the kernel offers them.
 *
 * Pure C, no PostgreSQL headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_BIGMEM_H
#define CRM_CORE_BIGMEM_H

#include <stddef.h>

/* Arrays at least this large are worth backing with huge pages. */
#define CRM_BIGMEM_MIN ((size_t) 4 << 20)

/*
 * Asks the kernel to back the 2 MB-aligned interior of [p, p + len) with huge
 * pages; call it before the memory is first touched. A no-op for small
 * ranges and where madvise(MADV_HUGEPAGE) does not exist.
 */
void		crm_advise_huge(void *p, size_t len);

/* malloc, with crm_advise_huge for large sizes; release with free(). */
void	   *crm_big_malloc(size_t size);

#endif							/* CRM_CORE_BIGMEM_H */
