/** The web dashboard; its routers live in ./dashboard/ (one per area, sharing ./dashboard/kit). */
export { dashboardRoutes } from './dashboard/index';
