export { createApp, type App, type AppOptions } from './app.js';
export { loadConfig, type Config, type ConfigResult, type UpstreamConfig } from './config.js';
export { appRouter, type AppRouter } from './router.js';
export { UpstreamError, type UpstreamErrorKind } from './kit/upstream-error.js';
