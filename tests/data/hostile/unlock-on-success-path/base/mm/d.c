int f(struct s *p)
{
	int err;

	mutex_lock(&p->lock);
	err = work(p);
	if (err) {
		mutex_unlock(&p->lock);
		return err;
	}
	return 0;
}
