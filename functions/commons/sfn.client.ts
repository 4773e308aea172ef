import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from './powertools';
import { withoutTraceHeader } from './trace-headers';

/**
 * Created once per execution environment; loaded only by the functions that start or resume
 * workflows. Where the function is traced, its calls are subsegments and the executions it starts
 * join its trace; where it is not, they pass no trace header on (withoutTraceHeader).
 */
export const stepFunctions = tracer ? tracer.captureAWSv3Client(new SFNClient({})) : withoutTraceHeader(new SFNClient({}));
