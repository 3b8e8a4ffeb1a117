/** Environment variable carrying `TsrayWorkerData` (JSON) into a child-process worker (both sides import it). */
export const WORKER_DATA_ENV = "TSRAY_WORKER_DATA";
