"""The benefits app's services (会员普惠): offers, redemption, reversals, coupons, usage
files, statements."""
