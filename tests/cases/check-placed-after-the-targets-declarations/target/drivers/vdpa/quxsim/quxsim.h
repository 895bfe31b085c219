struct quxsim_dev_attr {
	size_t alloc_size;
	u64 supported_features;
	int nvqs;
};
