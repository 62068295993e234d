"""buddies"""
