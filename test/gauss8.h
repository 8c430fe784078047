/*-------------------------------------------------------------------------
 *
 * gauss8.h
 *	  The 8-point Gauss-Legendre rule on [-1, 1] (positive half) in long
 *	  double, for the unit tests' brute-force quadratures.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_TEST_GAUSS8_H
#define CRM_TEST_GAUSS8_H

static const long double Gl8Node[4] = {
	0.18343464249564980493948L, 0.52553240991632898581774L,
	0.79666647741362673959155L, 0.96028985649753623168356L
};
static const long double Gl8Weight[4] = {
	0.36268378337836198296515L, 0.31370664587788728733796L,
	0.22238103445337447054436L, 0.10122853629037625915253L
};

#endif
