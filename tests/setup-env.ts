// Lambda runs Node 22; on an older local Node the SDK's upgrade notice is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
