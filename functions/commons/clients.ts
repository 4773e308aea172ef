import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from './powertools';

/*
 * SDK clients are created once per execution environment. Their endpoints come from the
 * standard AWS_ENDPOINT_URL_<SERVICE> variables, which only the local host sets.
 */
export const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
export const stepFunctions = tracer.captureAWSv3Client(new SFNClient({}));
// A local S3-compatible server answers on one host name, so buckets go in the path there; AWS uses virtual-hosted style.
export const s3 = tracer.captureAWSv3Client(new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined }));
