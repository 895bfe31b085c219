int f(struct s *p)
{
	int err;

	spin_lock(&p->lock);
	err = work(p);
	if (err) {
		goto out;
	}
	spin_unlock(&p->lock);
	return 0;
out:
	return err;
}
