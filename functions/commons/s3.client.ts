import { S3Client } from '@aws-sdk/client-s3';
import { traced } from './powertools';

// A local S3-compatible server answers on one host name, so buckets go in the path there; AWS uses virtual-hosted style.
export const s3 = traced(new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined }));
